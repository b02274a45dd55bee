/**
 * The outlier-detection settings Envoy runs with for one cluster, from Istio's
 * `outlierDetection` (mesh-semantics §5), with Envoy's defaults where Istio leaves a field unset.
 */
import type { OutlierDetection } from '../../model/istio-objects.ts';
import { optionalDurationMs } from './duration.ts';

/** Envoy's defaults for fields Istio leaves unset. */
const ENVOY_DEFAULT_CONSECUTIVE_5XX = 5;
/** Envoy's `max_ejection_time` default, which Istio does not set. */
export const MAX_EJECTION_TIME_MS = 300_000;

export interface OutlierSettings {
  consecutive5xx?: number;
  consecutiveGateway?: number;
  intervalMs: number;
  baseEjectionMs: number;
  maxEjectionPercent: number;
  minHealthPercent: number;
}

export function resolveOutlierSettings(od: OutlierDetection): OutlierSettings {
  // Istio only enforces consecutive-5xx when the field is > 0; when absent Envoy's own
  // default (5, enforced) applies. Gateway errors are enforced only when configured.
  const consecutive5xx = od.consecutive5xxErrors === undefined ? ENVOY_DEFAULT_CONSECUTIVE_5XX : od.consecutive5xxErrors || undefined;
  return {
    consecutive5xx,
    consecutiveGateway: od.consecutiveGatewayErrors || undefined,
    intervalMs: optionalDurationMs(od.interval) ?? 10_000,
    baseEjectionMs: optionalDurationMs(od.baseEjectionTime) ?? 30_000,
    maxEjectionPercent: od.maxEjectionPercent ?? 10,
    minHealthPercent: od.minHealthPercent ?? 0,
  };
}

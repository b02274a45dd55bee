/**
 * `--rate` and `--duration` on the command line: the same bounds as the plan fields, and
 * VUs scaled with the rate. A constant-arrival-rate scenario needs about rate × latency
 * VUs; a plan sized for 100/s run at 2000/s with its own maxVUs drops most iterations, so
 * the VU pool grows in proportion (never shrinks: spare VUs cost nothing).
 */
import type { ScenarioSettings } from '../model/plan.ts';
import { defaultVUs } from './plan-schema.ts';

export const RATE_LIMITS = { min: 0.1, max: 10_000 } as const;
export const DURATION_LIMITS_MS = { min: 1_000, max: 24 * 3_600_000 } as const;
/** The plan schema's ceiling on either VU count. */
export const MAX_VUS = 10_000;

export function withLoadOverride(scenario: ScenarioSettings, override: { rate?: number; duration?: string }): ScenarioSettings {
  const next = { ...scenario, env: { ...scenario.env } };
  if (override.duration !== undefined) next.duration = override.duration;
  if (override.rate !== undefined && override.rate !== scenario.rate) {
    const ratio = override.rate / scenario.rate;
    const defaults = defaultVUs(override.rate);
    next.rate = override.rate;
    if (ratio > 1) {
      next.preAllocatedVUs = Math.min(MAX_VUS, Math.max(scenario.preAllocatedVUs, Math.ceil(scenario.preAllocatedVUs * ratio), defaults.preAllocatedVUs));
      next.maxVUs = Math.min(MAX_VUS, Math.max(scenario.maxVUs, Math.ceil(scenario.maxVUs * ratio), defaults.maxVUs, next.preAllocatedVUs));
    }
  }
  return next;
}

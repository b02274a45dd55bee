/**
 * The retry policy Envoy actually gets for one route, after Istio's defaults are applied
 * (retry.go ConvertPolicy): no `retries` → the default policy; `attempts` ≤ 0 (or absent)
 * in a given `retries` → no retries at all; `retries` without `retryOn` → the default
 * conditions with the user's attempts and per-try timeout.
 */
import { parseDuration } from '../../util/duration.ts';
import { DEFAULT_RETRY_ATTEMPTS, DEFAULT_RETRY_ON_WORDS, defaultRetriableStatusCodes, parseRetryOn, type RetryOn } from './retry-on.ts';
import type { HttpRetry, MeshProfile } from '../../model/istio-objects.ts';

export interface EffectiveRetryPolicy {
  /** Retries after the first try (0 = none). */
  attempts: number;
  retryOn: RetryOn;
  /** Undefined: none, or one Envoy ignores because it is not shorter than the route timeout. */
  perTryTimeoutMs?: number;
  /** Envoy's jittered exponential back-off: base 25 ms unless `retries.backoff` sets it, cap 10 × base. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** `retryRemoteLocalities`: retries may go to other localities (Envoy's locality-aware retry priority). */
  retryRemoteLocalities: boolean;
  /** Where the policy came from, for notes and lint messages. */
  origin: 'istio-default' | 'default-conditions' | 'explicit' | 'disabled';
}

const ENVOY_BACKOFF_BASE_MS = 25;

/** A route with no retry policy at all (as on the path of a caller outside the mesh). */
export const NO_RETRIES: EffectiveRetryPolicy = {
  attempts: 0,
  retryOn: { words: new Set(), statusCodes: [] },
  origin: 'disabled',
  backoffBaseMs: ENVOY_BACKOFF_BASE_MS,
  backoffMaxMs: ENVOY_BACKOFF_BASE_MS * 10,
  retryRemoteLocalities: false,
};

/**
 * `routeTimeoutMs` (0 or undefined: none) matters because Envoy ignores a per-try timeout
 * that is not shorter than the route timeout (mesh-semantics §1).
 */
export function effectiveRetryPolicy(retries: HttpRetry | undefined, profile: MeshProfile, routeTimeoutMs?: number): EffectiveRetryPolicy {
  const defaults: RetryOn = { words: new Set(DEFAULT_RETRY_ON_WORDS), statusCodes: defaultRetriableStatusCodes(profile) };
  const backoffBaseMs = retries?.backoff === undefined ? ENVOY_BACKOFF_BASE_MS : parseDuration(retries.backoff);
  const common = { backoffBaseMs, backoffMaxMs: backoffBaseMs * 10, retryRemoteLocalities: retries?.retryRemoteLocalities ?? false };
  if (retries === undefined) return { attempts: DEFAULT_RETRY_ATTEMPTS, retryOn: defaults, origin: 'istio-default', ...common };
  const attempts = retries.attempts ?? 0;
  if (attempts <= 0) return { ...NO_RETRIES, ...common };
  let perTryTimeoutMs = retries.perTryTimeout === undefined ? undefined : parseDuration(retries.perTryTimeout);
  if (perTryTimeoutMs !== undefined && (perTryTimeoutMs <= 0 || (routeTimeoutMs && perTryTimeoutMs >= routeTimeoutMs))) perTryTimeoutMs = undefined;
  if (retries.retryOn === undefined || retries.retryOn.trim() === '') {
    return { attempts, retryOn: defaults, perTryTimeoutMs, origin: 'default-conditions', ...common };
  }
  return { attempts, retryOn: parseRetryOn(retries.retryOn).retryOn, perTryTimeoutMs, origin: 'explicit', ...common };
}

export function describeRetryOn(retryOn: RetryOn): string {
  const words = [...retryOn.words].filter((w) => w !== 'retriable-status-codes' || retryOn.statusCodes.length === 0);
  return [...words, ...retryOn.statusCodes.map(String)].join(',') || '(nothing)';
}

/**
 * Envoy's retry policy as Istio builds it from a VirtualService route (mesh-semantics §1),
 * and the decision "is this attempt's outcome retried". Pure: the router supplies outcomes.
 */
import type { HttpRetry, MeshProfile } from '../../model/istio-objects.ts';
import { type AttemptOutcome, isRetried, type RETRY_ON_WORDS } from '../../istio/semantics/retry-on.ts';
import { effectiveRetryPolicy } from '../../istio/semantics/retry-policy.ts';
import type { Random } from '../shared/random.ts';

/** An Envoy retry condition word (mesh-semantics §1). */
export type RetryCondition = (typeof RETRY_ON_WORDS)[number];

export type { AttemptOutcome } from '../../istio/semantics/retry-on.ts';

/**
 * The retry policy a proxy runs for one route. Which conditions, attempts, per-try timeout
 * and back-off a route gets is decided once, by the Istio model (`effectiveRetryPolicy`),
 * and whether an outcome is retried by its `isRetried`: the mesh, the validator and the
 * expected-outcome model read a VirtualService the same way.
 */
export interface RetryPolicy {
  numRetries: number;
  retryOn: ReadonlySet<string>;
  retriableStatusCodes: readonly number[];
  /** Undefined: no per-try timeout (each try may run until the route timeout). */
  perTryTimeoutMs?: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/**
 * The policy for a route, or undefined when it has none (`attempts` 0 or absent in a
 * given `retries`, as Istio's ConvertPolicy disables it). `routeTimeoutMs` 0/undefined =
 * no route timeout.
 */
export function resolveRetryPolicy(retries: HttpRetry | undefined, profile: MeshProfile, routeTimeoutMs?: number): RetryPolicy | undefined {
  const effective = effectiveRetryPolicy(retries, profile, routeTimeoutMs);
  if (effective.attempts === 0) return undefined;
  return {
    numRetries: effective.attempts,
    retryOn: effective.retryOn.words,
    retriableStatusCodes: effective.retryOn.statusCodes,
    perTryTimeoutMs: effective.perTryTimeoutMs,
    backoffBaseMs: effective.backoffBaseMs,
    backoffMaxMs: effective.backoffMaxMs,
  };
}

export function isRetriable(policy: RetryPolicy, outcome: AttemptOutcome): boolean {
  return isRetried({ words: policy.retryOn, statusCodes: policy.retriableStatusCodes }, outcome);
}

/** Jittered back-off before retry number `retry` (1-based): uniform in [0, min(2^(retry-1) × base, max)). */
export function backoffMs(policy: RetryPolicy, retry: number, random: Random): number {
  const ceiling = Math.min(2 ** (retry - 1) * policy.backoffBaseMs, policy.backoffMaxMs);
  return random() * ceiling;
}

/**
 * Envoy's retry policy as Istio builds it from a VirtualService route (mesh-semantics §1),
 * and the decision "is this attempt's outcome retried". Pure: the router supplies outcomes.
 */
import type { HttpRetry, MeshProfile } from '../../model/istio-objects.ts';
import type { RETRY_ON_WORDS } from '../../istio/semantics/retry-on.ts';
import { effectiveRetryPolicy } from '../../istio/semantics/retry-policy.ts';
import { optionalDurationMs } from './duration.ts';
import type { Random } from '../shared/random.ts';

/**
 * Envoy retry condition words (mesh-semantics §1). Which ones a route gets, and Istio's
 * defaults, come from the Istio model (`effectiveRetryPolicy`), so the mesh, the
 * validator and the expected-outcome model read a VirtualService the same way.
 */
export type RetryCondition = (typeof RETRY_ON_WORDS)[number];

/** gRPC status codes behind the gRPC retry words. */
const GRPC_CONDITIONS: Partial<Record<RetryCondition, number>> = {
  cancelled: 1,
  'deadline-exceeded': 4,
  'resource-exhausted': 8,
  internal: 13,
  unavailable: 14,
};

const ENVOY_BACKOFF_BASE_MS = 25;

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
  const effective = effectiveRetryPolicy(retries, profile);
  if (effective.attempts === 0) return undefined;
  const backoffBaseMs = optionalDurationMs(retries?.backoff) ?? ENVOY_BACKOFF_BASE_MS;
  let perTryTimeoutMs = effective.perTryTimeoutMs;
  // Envoy ignores a per-try timeout that is not shorter than the route timeout.
  if (perTryTimeoutMs !== undefined && (perTryTimeoutMs <= 0 || (routeTimeoutMs && perTryTimeoutMs >= routeTimeoutMs))) perTryTimeoutMs = undefined;
  return {
    numRetries: effective.attempts,
    retryOn: effective.retryOn.words,
    retriableStatusCodes: effective.retryOn.statusCodes,
    perTryTimeoutMs,
    backoffBaseMs,
    backoffMaxMs: backoffBaseMs * 10,
  };
}

/** What happened to one upstream try. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; grpcStatus?: number; requestRetriableCodes?: number[] }
  /** The connection could not be made (refused, TLS handshake failed, connect timeout). */
  | { kind: 'connect-failure'; reason: string }
  /** The stream was reset; `beforeRequest` when no request byte had been sent. */
  | { kind: 'reset'; beforeRequest: boolean; reason: string }
  | { kind: 'per-try-timeout' };

function isResetLike(outcome: AttemptOutcome): boolean {
  return outcome.kind === 'connect-failure' || outcome.kind === 'reset' || outcome.kind === 'per-try-timeout';
}

export function isRetriable(policy: RetryPolicy, outcome: AttemptOutcome): boolean {
  const on = policy.retryOn;
  if (outcome.kind === 'per-try-timeout') return on.has('5xx') || on.has('gateway-error') || on.has('reset');
  if (isResetLike(outcome)) {
    if (on.has('5xx') || on.has('gateway-error') || on.has('reset')) return true;
    if (outcome.kind === 'connect-failure') return on.has('connect-failure') || on.has('reset-before-request');
    return outcome.kind === 'reset' && outcome.beforeRequest && on.has('reset-before-request');
  }
  if (outcome.kind !== 'response') return false;
  const { status } = outcome;
  if (on.has('5xx') && status >= 500) return true;
  if (on.has('gateway-error') && (status === 502 || status === 503 || status === 504)) return true;
  if (on.has('retriable-4xx') && status === 409) return true;
  if (on.has('retriable-status-codes')) {
    if (policy.retriableStatusCodes.includes(status) || outcome.requestRetriableCodes?.includes(status)) return true;
  }
  if (outcome.grpcStatus !== undefined) {
    for (const [condition, code] of Object.entries(GRPC_CONDITIONS)) {
      if (on.has(condition) && outcome.grpcStatus === code) return true;
    }
  }
  return false;
}

/** Jittered back-off before retry number `retry` (1-based): uniform in [0, min(2^(retry-1) × base, max)). */
export function backoffMs(policy: RetryPolicy, retry: number, random: Random): number {
  const ceiling = Math.min(2 ** (retry - 1) * policy.backoffBaseMs, policy.backoffMaxMs);
  return random() * ceiling;
}

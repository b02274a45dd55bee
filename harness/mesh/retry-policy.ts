/**
 * Envoy's retry policy as Istio builds it from a VirtualService route (mesh-semantics §1),
 * and the decision "is this attempt's outcome retried". Pure: the router supplies outcomes.
 */
import type { HttpRetry, MeshProfile } from '../istio/types.ts';
import { optionalDurationMs } from './duration.ts';
import type { Random } from './random.ts';

export type RetryCondition =
  | '5xx'
  | 'gateway-error'
  | 'reset'
  | 'reset-before-request'
  | 'connect-failure'
  | 'retriable-4xx'
  | 'refused-stream'
  | 'retriable-status-codes'
  | 'retriable-headers'
  | 'envoy-ratelimited'
  | 'http3-post-connect-failure'
  | 'cancelled'
  | 'deadline-exceeded'
  | 'internal'
  | 'resource-exhausted'
  | 'unavailable';

const KNOWN_CONDITIONS = new Set<string>([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

/** gRPC status codes behind the gRPC retry words. */
const GRPC_CONDITIONS: Partial<Record<RetryCondition, number>> = {
  cancelled: 1,
  'deadline-exceeded': 4,
  'resource-exhausted': 8,
  internal: 13,
  unavailable: 14,
};

const ISTIO_DEFAULT_RETRY_ON: RetryCondition[] = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'];
const ISTIO_DEFAULT_ATTEMPTS = 2;
const ENVOY_BACKOFF_BASE_MS = 25;

export interface RetryPolicy {
  numRetries: number;
  retryOn: ReadonlySet<RetryCondition>;
  retriableStatusCodes: readonly number[];
  /** Undefined: no per-try timeout (each try may run until the route timeout). */
  perTryTimeoutMs?: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** Istio's default statuses retried under `retriable-status-codes` when the route sets no retryOn. */
export function defaultRetriableStatusCodes(profile: MeshProfile): number[] {
  return profile === 'istio-1.22' ? [503] : [];
}

/** Splits `retryOn` into condition words and numeric status codes, as Istio's parseRetryOn does. */
export function parseRetryOn(retryOn: string): { conditions: RetryCondition[]; statusCodes: number[] } {
  const conditions: RetryCondition[] = [];
  const statusCodes: number[] = [];
  for (const raw of retryOn.split(',')) {
    const token = raw.trim();
    if (token === '') continue;
    if (/^\d+$/.test(token)) statusCodes.push(Number(token));
    else if (KNOWN_CONDITIONS.has(token)) conditions.push(token as RetryCondition);
    else throw new Error(`unknown retryOn condition "${token}"`);
  }
  if (statusCodes.length > 0 && !conditions.includes('retriable-status-codes')) conditions.push('retriable-status-codes');
  return { conditions, statusCodes };
}

/**
 * The policy for a route, or undefined when it has none (`attempts: 0`).
 * `routeTimeoutMs` 0/undefined = no route timeout.
 */
export function resolveRetryPolicy(retries: HttpRetry | undefined, profile: MeshProfile, routeTimeoutMs?: number): RetryPolicy | undefined {
  if (retries?.attempts === 0) return undefined;
  const backoffBaseMs = optionalDurationMs(retries?.backoff) ?? ENVOY_BACKOFF_BASE_MS;
  let retryOn: RetryCondition[] = ISTIO_DEFAULT_RETRY_ON;
  let retriableStatusCodes = defaultRetriableStatusCodes(profile);
  if (retries?.retryOn !== undefined && retries.retryOn.trim() !== '') {
    const parsed = parseRetryOn(retries.retryOn);
    retryOn = parsed.conditions;
    retriableStatusCodes = parsed.statusCodes;
  }
  let perTryTimeoutMs = optionalDurationMs(retries?.perTryTimeout);
  // Envoy ignores a per-try timeout that is not shorter than the route timeout.
  if (perTryTimeoutMs !== undefined && (perTryTimeoutMs <= 0 || (routeTimeoutMs && perTryTimeoutMs >= routeTimeoutMs))) perTryTimeoutMs = undefined;
  return {
    numRetries: retries?.attempts ?? ISTIO_DEFAULT_ATTEMPTS,
    retryOn: new Set(retryOn),
    retriableStatusCodes,
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
      if (on.has(condition as RetryCondition) && outcome.grpcStatus === code) return true;
    }
  }
  return false;
}

/** Jittered back-off before retry number `retry` (1-based): uniform in [0, min(2^(retry-1) × base, max)). */
export function backoffMs(policy: RetryPolicy, retry: number, random: Random): number {
  const ceiling = Math.min(2 ** (retry - 1) * policy.backoffBaseMs, policy.backoffMaxMs);
  return random() * ceiling;
}

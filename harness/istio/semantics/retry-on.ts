/**
 * The `retryOn` list of a VirtualService retry policy, as Istio translates it for Envoy
 * (istio pilot/pkg/networking/core/route/retry/retry.go, parseRetryOn): words are Envoy
 * retry conditions, numbers are retriable status codes (and imply `retriable-status-codes`).
 */
import type { MeshProfile } from '../../model/istio-objects.ts';
import { goAtoi, hasGoStatusText } from './http-status-text.ts';

/** Every word Istio accepts in `retryOn` (docs/mesh-semantics.md §1). */
export const RETRY_ON_WORDS = [
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
] as const;

/** What Istio puts on every route that has no `retries` (or whose `retries` has no `retryOn`). */
export const DEFAULT_RETRY_ON_WORDS = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'];
export const DEFAULT_RETRY_ATTEMPTS = 2;

/** Istio 1.22 still listed 503 as retriable by default; 1.24+ lists nothing. */
export function defaultRetriableStatusCodes(profile: MeshProfile): number[] {
  return profile === 'istio-1.22' ? [503] : [];
}

export interface RetryOn {
  words: ReadonlySet<string>;
  statusCodes: readonly number[];
}

export interface RetryOnProblem {
  /** The entry as written, spaces included. */
  token: string;
  message: string;
}

/**
 * Splits a `retryOn` string; `problems` lists the tokens istiod rejects. istiod validates
 * each comma-separated entry as it is, without trimming (`5xx, reset` is invalid), and
 * takes a number only when Go's `http.StatusText` knows it. Istio's translation trims
 * entries, so `retryOn` keeps what Envoy would get if the entry were accepted.
 */
export function parseRetryOn(text: string): { retryOn: RetryOn; problems: RetryOnProblem[] } {
  const words = new Set<string>();
  const statusCodes: number[] = [];
  const problems: RetryOnProblem[] = [];
  for (const raw of text.split(',')) {
    const token = raw.trim();
    const code = goAtoi(token);
    if (token === '') {
      problems.push({ token: raw, message: 'empty entry in retryOn' });
      continue;
    }
    if (code !== undefined && hasGoStatusText(code)) statusCodes.push(code);
    else if ((RETRY_ON_WORDS as readonly string[]).includes(token)) words.add(token);
    if (raw !== token && (code !== undefined ? hasGoStatusText(code) : (RETRY_ON_WORDS as readonly string[]).includes(token))) {
      problems.push({ token: raw, message: `\`${raw}\` has spaces around it: istiod does not trim retryOn entries` });
    } else if (code !== undefined && !hasGoStatusText(code)) {
      problems.push({ token: raw, message: `retryOn status code ${token} is not an HTTP status istiod knows (Go's http.StatusText has no text for it)` });
    } else if (code === undefined && !(RETRY_ON_WORDS as readonly string[]).includes(token)) {
      problems.push({ token: raw, message: `\`${token}\` is not a valid retryOn condition` });
    }
  }
  if (statusCodes.length > 0) words.add('retriable-status-codes');
  return { retryOn: { words, statusCodes }, problems };
}

/** gRPC status codes behind the gRPC retry words (matched in response headers). */
const GRPC_CONDITIONS: Readonly<Record<string, number>> = {
  cancelled: 1,
  'deadline-exceeded': 4,
  'resource-exhausted': 8,
  internal: 13,
  unavailable: 14,
};

/** What happened to one upstream try, as Envoy's retry state sees it. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; grpcStatus?: number; requestRetriableCodes?: readonly number[] }
  /** The connection could not be made (refused, TLS handshake failed, connect timeout). */
  | { kind: 'connect-failure'; reason: string }
  /** The stream was reset; `beforeRequest` when no request byte had been sent. */
  | { kind: 'reset'; beforeRequest: boolean; reason: string }
  | { kind: 'per-try-timeout' };

/**
 * Whether `retryOn` retries an attempt that ended with `outcome` (mesh-semantics §1, the
 * table of conditions; Envoy retry_state_impl.cc). The one decision the local mesh's router,
 * the expected-outcome model, the linter and the report's likely causes all use.
 */
export function isRetried(retryOn: RetryOn, outcome: AttemptOutcome): boolean {
  const on = retryOn.words;
  // 5xx, gateway-error and reset all cover every failure that produced no response.
  const coversNoResponse = on.has('5xx') || on.has('gateway-error') || on.has('reset');
  switch (outcome.kind) {
    case 'per-try-timeout':
      return coversNoResponse;
    case 'connect-failure':
      return coversNoResponse || on.has('connect-failure') || on.has('reset-before-request');
    case 'reset':
      return coversNoResponse || (outcome.beforeRequest && on.has('reset-before-request'));
    case 'response':
      return retriesResponse(retryOn, outcome);
  }
}

function retriesResponse(retryOn: RetryOn, outcome: Extract<AttemptOutcome, { kind: 'response' }>): boolean {
  const on = retryOn.words;
  const { status } = outcome;
  if (on.has('5xx') && status >= 500 && status <= 599) return true;
  if (on.has('gateway-error') && (status === 502 || status === 503 || status === 504)) return true;
  if (on.has('retriable-4xx') && status === 409) return true;
  if (on.has('retriable-status-codes') && (retryOn.statusCodes.includes(status) || outcome.requestRetriableCodes?.includes(status))) return true;
  if (outcome.grpcStatus === undefined) return false;
  return Object.entries(GRPC_CONDITIONS).some(([word, code]) => on.has(word) && outcome.grpcStatus === code);
}

/** Whether an upstream answer with `status` is retried under `retryOn`. */
export function retriesStatus(retryOn: RetryOn, status: number): boolean {
  return isRetried(retryOn, { kind: 'response', status });
}

/** Whether a reset after the request was sent (no response) is retried. */
export function retriesReset(retryOn: RetryOn): boolean {
  return isRetried(retryOn, { kind: 'reset', beforeRequest: false, reason: 'remote reset' });
}

/** Whether a per-try timeout is retried (only 5xx, gateway-error and reset; mesh-semantics §1). */
export function retriesPerTryTimeout(retryOn: RetryOn): boolean {
  return isRetried(retryOn, { kind: 'per-try-timeout' });
}

/** Whether a failed connection (refused, connect timeout) is retried. */
export function retriesConnectFailure(retryOn: RetryOn): boolean {
  return isRetried(retryOn, { kind: 'connect-failure', reason: 'connection refused' });
}

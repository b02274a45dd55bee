/**
 * The `retryOn` list of a VirtualService retry policy, as Istio translates it for Envoy
 * (istio pilot/pkg/networking/core/route/retry/retry.go, parseRetryOn): words are Envoy
 * retry conditions, numbers are retriable status codes (and imply `retriable-status-codes`).
 */
import type { MeshProfile } from '../../model/istio-objects.ts';

/** Every word Istio accepts in `retryOn` (mesh-semantics.md §1). */
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
  words: Set<string>;
  statusCodes: number[];
}

export interface RetryOnProblem {
  token: string;
  message: string;
}

/** Splits a `retryOn` string; `problems` lists tokens Istio would reject. */
export function parseRetryOn(text: string): { retryOn: RetryOn; problems: RetryOnProblem[] } {
  const words = new Set<string>();
  const statusCodes: number[] = [];
  const problems: RetryOnProblem[] = [];
  for (const raw of text.split(',')) {
    const token = raw.trim();
    if (token === '') {
      problems.push({ token, message: 'empty entry in retryOn' });
    } else if (/^\d+$/.test(token)) {
      const code = Number(token);
      if (code < 100 || code > 599) problems.push({ token, message: `retryOn status code ${token} is not an HTTP status (100-599)` });
      else statusCodes.push(code);
    } else if ((RETRY_ON_WORDS as readonly string[]).includes(token)) {
      words.add(token);
    } else {
      problems.push({ token, message: `\`${token}\` is not a valid retryOn condition` });
    }
  }
  if (statusCodes.length > 0) words.add('retriable-status-codes');
  return { retryOn: { words, statusCodes }, problems };
}

/** Whether an upstream answer with `status` is retried under `retryOn`. */
export function retriesStatus(retryOn: RetryOn, status: number): boolean {
  if (retryOn.words.has('5xx') && status >= 500 && status <= 599) return true;
  if (retryOn.words.has('gateway-error') && (status === 502 || status === 503 || status === 504)) return true;
  if (retryOn.words.has('retriable-4xx') && status === 409) return true;
  return retryOn.words.has('retriable-status-codes') && retryOn.statusCodes.includes(status);
}

/** Whether a reset after the request was sent (no response) is retried. */
export function retriesReset(retryOn: RetryOn): boolean {
  return retryOn.words.has('5xx') || retryOn.words.has('gateway-error') || retryOn.words.has('reset');
}

/** Whether a per-try timeout is retried (only these three words; mesh-semantics.md §1). */
export function retriesPerTryTimeout(retryOn: RetryOn): boolean {
  return retriesReset(retryOn);
}

/** Whether a failed connection (refused, connect timeout) is retried. */
export function retriesConnectFailure(retryOn: RetryOn): boolean {
  return retriesReset(retryOn) || retryOn.words.has('connect-failure');
}

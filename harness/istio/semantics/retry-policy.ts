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
  perTryTimeoutMs?: number;
  /** Where the policy came from, for notes and lint messages. */
  origin: 'istio-default' | 'default-conditions' | 'explicit' | 'disabled';
}

export function effectiveRetryPolicy(retries: HttpRetry | undefined, profile: MeshProfile): EffectiveRetryPolicy {
  const defaults: RetryOn = { words: new Set(DEFAULT_RETRY_ON_WORDS), statusCodes: defaultRetriableStatusCodes(profile) };
  if (retries === undefined) return { attempts: DEFAULT_RETRY_ATTEMPTS, retryOn: defaults, origin: 'istio-default' };
  const attempts = retries.attempts ?? 0;
  if (attempts <= 0) return { attempts: 0, retryOn: { words: new Set(), statusCodes: [] }, origin: 'disabled' };
  const perTryTimeoutMs = retries.perTryTimeout === undefined ? undefined : parseDuration(retries.perTryTimeout);
  if (retries.retryOn === undefined || retries.retryOn.trim() === '') {
    return { attempts, retryOn: defaults, perTryTimeoutMs, origin: 'default-conditions' };
  }
  return { attempts, retryOn: parseRetryOn(retries.retryOn).retryOn, perTryTimeoutMs, origin: 'explicit' };
}

export function describeRetryOn(retryOn: RetryOn): string {
  const words = [...retryOn.words].filter((w) => w !== 'retriable-status-codes' || retryOn.statusCodes.length === 0);
  return [...words, ...retryOn.statusCodes.map(String)].join(',') || '(nothing)';
}

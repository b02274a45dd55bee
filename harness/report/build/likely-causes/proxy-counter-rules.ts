/** Causes read from the client proxy's retry and timeout counters (Envoy's names). */
import { RETRY_ON_WORDS, isRetried } from '../../../istio/semantics/retry-on.ts';
import { type CauseRule, num } from './rule.ts';

export const retriesExhausted: CauseRule = ({ cell }) => {
  const retries = num(cell.proxy.counters.retries) ?? 0;
  const exceeded = num(cell.proxy.counters.retryLimitExceeded) ?? 0;
  if (retries === 0 || exceeded === 0) return undefined;
  return { code: 'retries-exhausted', message: 'retries ran out: attempts is too low for the failure rate', evidence: `upstream_rq_retry ${retries}, upstream_rq_retry_limit_exceeded ${exceeded}` };
};

/** The retryOn words under which the Istio model retries a per-try timeout. */
const WORDS_RETRYING_PER_TRY_TIMEOUT = RETRY_ON_WORDS.filter((word) => isRetried({ words: new Set([word]), statusCodes: [] }, { kind: 'per-try-timeout' }));

function listWords(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

export const perTryTimeouts: CauseRule = ({ cell }) => {
  const perTry = num(cell.proxy.counters.perTryTimeouts) ?? 0;
  if (perTry === 0) return undefined;
  return {
    code: 'per-try-timeouts',
    message: `per-try timeouts abandoned attempts (retried only when retryOn has ${listWords(WORDS_RETRYING_PER_TRY_TIMEOUT)})`,
    evidence: `upstream_rq_per_try_timeout ${perTry}`,
  };
};

export const routeTimeouts: CauseRule = ({ cell }) => {
  const timeouts = num(cell.proxy.counters.routeTimeouts) ?? 0;
  return timeouts > 0 ? { code: 'route-timeouts', message: 'the route timeout answered 504 before the upstream did', evidence: `upstream_rq_timeout ${timeouts}` } : undefined;
};

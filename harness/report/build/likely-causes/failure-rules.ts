/** Causes read from how requests failed: overflow, ejection, injected aborts, timeouts, connections. */
import { CONNECTION_ERROR_CODES, REQUEST_TIMEOUT_CODE } from '../../../model/k6-error-codes.ts';
import { type CauseRule, num } from './rule.ts';

export const circuitBreakerOverflow: CauseRule = ({ cell }) => {
  const overflow = num(cell.failures.overflow503) ?? 0;
  if (overflow === 0) return undefined;
  return {
    code: 'circuit-breaker-overflow',
    message: 'the circuit breaker rejected requests over its connection-pool limits (503, never retried)',
    evidence: `${overflow} overflow 503s (${cell.failures.overflow503.value !== null ? cell.failures.overflow503.source : ''})`,
  };
};

export const noHealthyUpstream: CauseRule = ({ cell }) => {
  const noHealthy = num(cell.failures.noHealthyUpstream) ?? 0;
  if (noHealthy === 0) return undefined;
  return { code: 'no-healthy-upstream', message: 'outlier detection ejected every host: requests got 503 no healthy upstream', evidence: `${noHealthy} requests flagged UH` };
};

export const injectedAborts: CauseRule = ({ cell }) => {
  const aborts = num(cell.failures.injectedAborts) ?? 0;
  return aborts > 0 ? { code: 'injected-aborts', message: 'fault injection aborted requests (never retried)', evidence: `${aborts} injected aborts` } : undefined;
};

export const clientTimeouts: CauseRule = ({ cell }) => {
  const timeouts = num(cell.failures.timeouts) ?? 0;
  if (timeouts === 0) return undefined;
  return { code: 'client-timeouts', message: "the load generator's own request timeout fired before any answer", evidence: `${timeouts} requests with k6 error code ${REQUEST_TIMEOUT_CODE}` };
};

export const connectionFailures: CauseRule = ({ cell }) => {
  const connection = num(cell.failures.connectionFailures) ?? 0;
  if (connection === 0) return undefined;
  return {
    code: 'connection-failures',
    message: 'connections were refused, reset or closed without an HTTP answer (e.g. mTLS STRICT against a plaintext client, or the app resetting)',
    evidence: `${connection} requests with status 0 (k6 codes ${CONNECTION_ERROR_CODES.join('/')})`,
  };
};

/**
 * Node network errors → k6's error codes and messages (k6 `lib/netext/httpext/error_codes.go`
 * semantics): 1000 generic / EOF, 1050 request timeout, 1101 no such host, 1211 dial
 * timeout, 1212 connection refused, 1220 connection reset by peer; 1000 + status for
 * HTTP 4xx/5xx responses.
 */
import { K6_ERROR_CODES } from '../../../model/k6-error-codes.ts';

export interface K6NetworkError {
  code: number;
  message: string;
}

export const REQUEST_TIMEOUT: K6NetworkError = K6_ERROR_CODES.REQUEST_TIMEOUT;
export const DIAL_TIMEOUT: K6NetworkError = K6_ERROR_CODES.DIAL_TIMEOUT;

export function classifyNetworkError(error: NodeJS.ErrnoException): K6NetworkError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return K6_ERROR_CODES.CONNECTION_REFUSED;
    case 'ECONNRESET':
      // Node reports a peer that closed cleanly before answering as "socket hang up";
      // Go (and so k6) sees that as EOF, not as a reset.
      return error.message === 'socket hang up' ? K6_ERROR_CODES.EOF : K6_ERROR_CODES.CONNECTION_RESET;
    case 'ETIMEDOUT':
      return DIAL_TIMEOUT;
    case 'ENOTFOUND':
      return K6_ERROR_CODES.NO_SUCH_HOST;
    case 'EAI_AGAIN':
      return { code: 1100, message: 'lookup: temporary failure in name resolution' };
    case 'EPIPE':
      return { code: 1000, message: 'write: broken pipe' };
    default:
      return { code: 1000, message: error.message };
  }
}

/** k6 gives a 4xx/5xx response error_code 1000 + status and an empty error string. */
export function errorCodeForStatus(status: number): number {
  return status >= 400 && status < 600 ? 1000 + status : 0;
}

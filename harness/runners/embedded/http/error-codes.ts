/**
 * Node network errors → k6's error codes and messages (k6 `lib/netext/httpext/error_codes.go`
 * semantics): 1000 generic / EOF, 1050 request timeout, 1101 no such host, 1211 dial
 * timeout, 1212 connection refused, 1220 connection reset by peer; 1000 + status for
 * HTTP 4xx/5xx responses.
 */
export interface K6NetworkError {
  code: number;
  message: string;
}

export const REQUEST_TIMEOUT: K6NetworkError = { code: 1050, message: 'request timeout' };
export const DIAL_TIMEOUT: K6NetworkError = { code: 1211, message: 'dial: i/o timeout' };

export function classifyNetworkError(error: NodeJS.ErrnoException): K6NetworkError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return { code: 1212, message: 'dial: connection refused' };
    case 'ECONNRESET':
      // Node reports a peer that closed cleanly before answering as "socket hang up";
      // Go (and so k6) sees that as EOF, not as a reset.
      return error.message === 'socket hang up' ? { code: 1000, message: 'EOF' } : { code: 1220, message: 'read: connection reset by peer' };
    case 'ETIMEDOUT':
      return DIAL_TIMEOUT;
    case 'ENOTFOUND':
      return { code: 1101, message: 'lookup: no such host' };
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

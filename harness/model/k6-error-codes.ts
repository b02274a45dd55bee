/**
 * k6's network error codes (k6 lib/netext/httpext/error_codes.go), the ones the bench
 * counts. The scenario breaks its summary down by them, the embedded runtime gives them to
 * failed requests, and the report sorts failures by them: one list for all three. Plain
 * data with no imports, so the scenario bundle can carry it.
 */
export const K6_ERROR_CODES = {
  EOF: { code: 1000, message: 'EOF', cause: 'connection' },
  REQUEST_TIMEOUT: { code: 1050, message: 'request timeout', cause: 'timeout' },
  NO_SUCH_HOST: { code: 1101, message: 'lookup: no such host', cause: 'lookup' },
  DIAL_TIMEOUT: { code: 1211, message: 'dial: i/o timeout', cause: 'connection' },
  CONNECTION_REFUSED: { code: 1212, message: 'dial: connection refused', cause: 'connection' },
  CONNECTION_RESET: { code: 1220, message: 'read: connection reset by peer', cause: 'connection' },
} as const;

type ErrorCodeEntry = (typeof K6_ERROR_CODES)[keyof typeof K6_ERROR_CODES];

function codesWhere(cause: ErrorCodeEntry['cause']): string[] {
  return Object.values(K6_ERROR_CODES)
    .filter((entry) => entry.cause === cause)
    .map((entry) => String(entry.code));
}

/** Codes of a connection that failed or broke without an HTTP answer: EOF, dial timeout, refused, reset. */
export const CONNECTION_ERROR_CODES: readonly string[] = codesWhere('connection');
/** The client's own request timeout. */
export const REQUEST_TIMEOUT_CODE = String(K6_ERROR_CODES.REQUEST_TIMEOUT.code);
/** Every code the scenario's summary breaks requests down by. */
export const COUNTED_ERROR_CODES: readonly string[] = [...CONNECTION_ERROR_CODES, REQUEST_TIMEOUT_CODE].sort();

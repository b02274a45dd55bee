/**
 * The status codes Go's `net/http.StatusText` names. istiod accepts a number in `retryOn`
 * only when `http.StatusText(code)` is not empty (pkg/config/validation, validateHTTPRetry),
 * so 100–599 is too loose: 306, 419 or 509 are rejected.
 */
const GO_STATUS_TEXT_CODES: ReadonlySet<number> = new Set([
  100, 101, 102, 103,
  200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
  300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418,
  421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
  500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

export function hasGoStatusText(code: number): boolean {
  return GO_STATUS_TEXT_CODES.has(code);
}

/**
 * The code Go's `strconv.Atoi` reads from `token` (optional sign, decimal digits, nothing
 * else: no spaces), or undefined when Atoi would fail.
 */
export function goAtoi(token: string): number | undefined {
  return /^[+-]?\d+$/.test(token) ? Number(token) : undefined;
}

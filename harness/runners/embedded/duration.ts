/**
 * k6 duration strings ("1m30s", "500ms", "2h", "1.5s") and bare numbers. k6 reads a bare
 * number as milliseconds for timeouts and as seconds for sleep(); callers say which.
 */
import { UserError } from '../../errors/user-error.ts';
import { tryParseDuration } from '../../util/duration.ts';

/** Parses a k6 duration; numbers (and numeric strings) are milliseconds. */
export function parseDurationMs(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string' || value.trim() === '') throw invalidDuration(value, what);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  // k6 and Istio both read Go's time.ParseDuration grammar: one parser for both.
  const ms = tryParseDuration(text);
  if (ms === undefined) throw invalidDuration(value, what);
  return ms;
}

/** Like parseDurationMs, but undefined yields the default. */
export function optionalDurationMs(value: unknown, fallbackMs: number, what: string): number {
  return value === undefined || value === null ? fallbackMs : parseDurationMs(value, what);
}

function invalidDuration(value: unknown, what: string): UserError {
  return new UserError({
    code: 'K6_INVALID_DURATION',
    message: `${what}: ${JSON.stringify(value)} is not a k6 duration`,
    fix: 'write durations like "30s", "1m30s" or "500ms"',
  });
}

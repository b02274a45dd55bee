/**
 * k6 duration strings ("1m30s", "500ms", "2h", "1.5s") and bare numbers. k6 reads a bare
 * number as milliseconds for timeouts and as seconds for sleep(); callers say which.
 */
import { UserError } from '../../errors.ts';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;

/** Parses a k6 duration; numbers (and numeric strings) are milliseconds. */
export function parseDurationMs(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string' || value.trim() === '') throw invalidDuration(value, what);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(text); match; match = PART.exec(text)) {
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = PART.lastIndex;
  }
  if (consumed !== text.length) throw invalidDuration(value, what);
  return total;
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

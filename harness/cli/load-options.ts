/**
 * `--rate`, `--duration` and `--seed` checked before anything starts: a bad value is a
 * usage error (exit 2), never a crash once the mesh is up, and a rate the load generator
 * cannot schedule (1e9/s) never reaches it.
 */
import { UserError } from '../errors/user-error.ts';
import { DURATION_LIMITS_MS, RATE_LIMITS } from '../plan/load-override.ts';
import { MAX_RUNNERS } from '../plan/plan-schema.ts';
import { formatDuration, tryParseDuration } from '../util/duration.ts';

export function parseRateOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const rate = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(rate >= RATE_LIMITS.min && rate <= RATE_LIMITS.max)) {
    throw new UserError({
      code: 'USAGE',
      message: `--rate must be a number of requests per second between ${RATE_LIMITS.min} and ${RATE_LIMITS.max}, got "${text}"`,
      fix: 'e.g. --rate 200',
    });
  }
  return rate;
}

export function parseDurationOption(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const ms = tryParseDuration(text);
  if (ms === undefined || ms < DURATION_LIMITS_MS.min || ms > DURATION_LIMITS_MS.max) {
    throw new UserError({
      code: 'USAGE',
      message: `--duration must be a duration from ${formatDuration(DURATION_LIMITS_MS.min)} to ${formatDuration(DURATION_LIMITS_MS.max)}, got "${text}"`,
      fix: 'e.g. --duration 30s or --duration 2m (units: ms, s, m, h)',
    });
  }
  return text.trim();
}

export function parseSeedOption(text: string | undefined): number {
  if (text === undefined) return 1;
  const seed = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seed)) {
    throw new UserError({ code: 'USAGE', message: `--seed must be a whole number ≥ 0, got "${text}"`, fix: 'e.g. --seed 42' });
  }
  return seed;
}

/** `--runners N`: how many runners the in-mesh load is split over. */
export function parseRunnersOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const runners = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(runners >= 1 && runners <= MAX_RUNNERS)) {
    throw new UserError({ code: 'USAGE', message: `--runners must be a whole number from 1 to ${MAX_RUNNERS}, got "${text}"`, fix: 'e.g. --runners 4' });
  }
  return runners;
}

/**
 * Istio duration strings ("5ms", "1.5s", "1m30s") to milliseconds for the mesh, using the
 * Istio model's parser so the mesh and the validator agree on every value.
 */
import { parseDuration } from '../../util/duration.ts';

/**
 * Node's timers hold a signed 32-bit millisecond count: anything longer (a `fixedDelay:
 * 600h`) silently becomes 1 ms. Every mesh duration ends up in a timer, so it is capped
 * here, at about 24.8 days, which no run lasts: the delay or timeout still never fires
 * during the run, as on Envoy.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds for `value` (at most MAX_TIMER_MS); throws on anything Istio would reject (the loader validated it already). */
export function durationMs(value: string): number {
  return Math.min(parseDuration(value.trim()), MAX_TIMER_MS);
}

/** Like `durationMs`, but `undefined` stays `undefined`. */
export function optionalDurationMs(value: string | undefined): number | undefined {
  return value === undefined ? undefined : durationMs(value);
}

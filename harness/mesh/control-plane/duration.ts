/**
 * Istio duration strings ("5ms", "1.5s", "1m30s") to milliseconds for the mesh, using the
 * Istio model's parser so the mesh and the validator agree on every value.
 */
import { parseDuration } from '../../util/duration.ts';

/** Milliseconds for `value`; throws on anything Istio would reject (the loader validated it already). */
export function durationMs(value: string): number {
  return parseDuration(value.trim());
}

/** Like `durationMs`, but `undefined` stays `undefined`. */
export function optionalDurationMs(value: string | undefined): number | undefined {
  return value === undefined ? undefined : durationMs(value);
}

/**
 * Istio duration strings ("5ms", "1.5s", "1m30s") to milliseconds. The mesh keeps its own
 * small parser so it does not depend on the order in which the Istio model's helpers land;
 * the grammar is Go's time.ParseDuration, which is what Istio's CRD validation accepts.
 */
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/y;

/** Milliseconds for `value`; throws on anything Istio would reject (the loader validated it already). */
export function durationMs(value: string): number {
  const text = value.trim();
  if (text === '0') return 0;
  let total = 0;
  let index = 0;
  PART.lastIndex = 0;
  while (index < text.length) {
    PART.lastIndex = index;
    const match = PART.exec(text);
    if (!match) throw new Error(`invalid duration "${value}"`);
    total += Number(match[1]) * UNIT_MS[match[2]];
    index = PART.lastIndex;
  }
  if (index === 0) throw new Error(`invalid duration "${value}"`);
  return total;
}

/** Like `durationMs`, but `undefined` stays `undefined`. */
export function optionalDurationMs(value: string | undefined): number | undefined {
  return value === undefined ? undefined : durationMs(value);
}

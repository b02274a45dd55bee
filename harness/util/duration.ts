/**
 * Durations as Istio (and k6) write them: a sequence of number+unit pairs such as `5ms`,
 * `1.5s`, `1m30s`, `1h`. Units follow Go's time.ParseDuration, which is what both Istio's
 * YAML decoding and k6 accept: `h`, `m`, `s`, `ms`, `us` (or `µs`), `ns`.
 */

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000_001,
};

// Longest units first inside the alternation so `ms` is not read as `m` followed by junk.
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|us|µs|ns|h|m|s)/y;

/** Milliseconds for `text`, or undefined when it is not a duration. */
export function tryParseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed === '0') return 0;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  while (consumed < trimmed.length) {
    PART.lastIndex = consumed;
    const match = PART.exec(trimmed);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = PART.lastIndex;
  }
  return total;
}

/** Milliseconds for `text`; throws a plain Error for text that is not a duration (callers turn it into a UserError with a location). */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: "${text}" (expected e.g. 5ms, 1.5s, 1m, 1h)`);
  return ms;
}

/** The shortest readable form: 1500 → "1.5s", 5 → "5ms", 90000 → "1m30s", 0.5 → "500us". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`cannot format duration ${ms}`);
  if (ms === 0) return '0s';
  if (ms < 1) return `${round(ms * 1000)}us`;
  if (ms < 1000) return `${round(ms)}ms`;
  if (ms < 60_000) return `${round(ms / 1000)}s`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const rest = ms % 60_000;
  const parts = [hours ? `${hours}h` : '', minutes ? `${minutes}m` : '', rest ? formatDuration(rest) : ''];
  return parts.join('');
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Log-spaced latency buckets that a k6 scenario exports through k6's own APIs (a Counter
 * `rb_latency_bucket` tagged `b:<index>`, made visible in the handleSummary data by an
 * always-true threshold per bucket), so that the summaries of several runners can be
 * merged by adding bucket counts: percentiles of averaged percentiles mean nothing.
 *
 * Buckets: b = 0 holds (0, 0.125 ms]; b = 1..160 hold (L·r^(b-1), L·r^b] with L = 0.125 ms
 * and r = 2^(1/8) (eight per doubling, up to 131 s); b = 161 holds the rest. An order
 * statistic x in bucket b is estimated by the bucket's midpoint, clamped to the observed
 * [min, max]: |estimate − x| ≤ (r − 1)/2 · x (4.53%), or ≤ 0.0625 ms in bucket 0. k6's
 * percentile interpolates between two order statistics; a convex combination of
 * estimates keeps the same bound, so a merged percentile is within 4.53% (+0.0625 ms)
 * of the one k6 would compute over all samples, up to 131 s.
 */
import type { CounterValues, K6SummaryData } from './k6-summary.ts';

export const LATENCY_BUCKET_METRIC = 'rb_latency_bucket';
export const BUCKETS_PER_DOUBLING = 8;
export const BUCKET_RATIO = 2 ** (1 / BUCKETS_PER_DOUBLING);
export const LOWEST_BOUND_MS = 0.125;
const LOG_BUCKETS = 20 * BUCKETS_PER_DOUBLING;
export const BUCKET_COUNT = LOG_BUCKETS + 2;
/** The bound stated above: relative, and absolute for the lowest bucket. */
export const PERCENTILE_ERROR = { relative: (BUCKET_RATIO - 1) / 2, absoluteMs: LOWEST_BOUND_MS / 2, upToMs: upperBound(LOG_BUCKETS) };

export function bucketOf(ms: number): number {
  if (!(ms > LOWEST_BOUND_MS)) return 0;
  const b = Math.ceil(Math.log2(ms / LOWEST_BOUND_MS) * BUCKETS_PER_DOUBLING);
  return Math.min(Math.max(b, 1), LOG_BUCKETS + 1);
}

export function upperBound(b: number): number {
  return b > LOG_BUCKETS ? Number.POSITIVE_INFINITY : LOWEST_BOUND_MS * BUCKET_RATIO ** b;
}

export function lowerBound(b: number): number {
  return b === 0 ? 0 : upperBound(b - 1);
}

/** The always-true thresholds that make k6 put every bucket in the handleSummary data. */
export function latencyBucketThresholds(): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {};
  for (let b = 0; b < BUCKET_COUNT; b++) thresholds[`${LATENCY_BUCKET_METRIC}{b:${b}}`] = ['count>=0'];
  return thresholds;
}

/** Bucket counts out of a summary; undefined when the scenario exported none. */
export function histogramOf(data: K6SummaryData): number[] | undefined {
  const prefix = `${LATENCY_BUCKET_METRIC}{b:`;
  let counts: number[] | undefined;
  for (const [name, metric] of Object.entries(data.metrics)) {
    if (!name.startsWith(prefix) || metric.type !== 'counter') continue;
    const b = Number(name.slice(prefix.length, -1));
    if (!Number.isInteger(b) || b < 0 || b >= BUCKET_COUNT) continue;
    counts ??= new Array(BUCKET_COUNT).fill(0);
    counts[b] = (metric.values as CounterValues).count ?? 0;
  }
  return counts;
}

/**
 * k6's percentile (position p·(n−1), linear between the two order statistics around it),
 * with each order statistic estimated from its bucket as described above.
 */
export function percentileOf(counts: number[], p: number, min: number, max: number): number {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return 0;
  const position = (p / 100) * (n - 1);
  const lower = orderStatistic(counts, Math.floor(position), min, max);
  const upper = orderStatistic(counts, Math.ceil(position), min, max);
  return lower + (upper - lower) * (position - Math.floor(position));
}

function orderStatistic(counts: number[], rank: number, min: number, max: number): number {
  let seen = 0;
  for (let b = 0; b < counts.length; b++) {
    seen += counts[b];
    if (seen > rank) {
      const mid = b > LOG_BUCKETS ? max : (lowerBound(b) + upperBound(b)) / 2;
      return Math.min(Math.max(mid, min), max);
    }
  }
  return max;
}

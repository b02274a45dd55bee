/**
 * handleSummary data built from raw samples the way k6 builds it (its trend percentile:
 * position p·(n−1), linear between neighbours), with the latency buckets the scenario
 * exports, so merged summaries can be checked against the one all samples would give.
 */
import type { K6SummaryData, SummaryMetric, TrendValues } from '../../../harness/model/k6-summary.ts';
import { BUCKET_COUNT, bucketOf, LATENCY_BUCKET_METRIC } from '../../../harness/model/latency-histogram.ts';

export const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

export function k6Percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = (p / 100) * (sorted.length - 1);
  const lo = sorted[Math.floor(i)];
  return lo + (sorted[Math.ceil(i)] - lo) * (i - Math.floor(i));
}

export function trend(samples: number[]): SummaryMetric {
  const sorted = [...samples].sort((a, b) => a - b);
  const values: Record<string, number> = {
    avg: samples.reduce((a, b) => a + b, 0) / samples.length,
    min: sorted[0],
    med: k6Percentile(sorted, 50),
    max: sorted[sorted.length - 1],
    'p(90)': k6Percentile(sorted, 90),
    'p(95)': k6Percentile(sorted, 95),
    'p(99)': k6Percentile(sorted, 99),
    count: samples.length,
  };
  return { type: 'trend', contains: 'time', values };
}

export interface Samples {
  /** Response durations in ms. */
  durations: number[];
  /** Which of them failed (http_req_failed passes). */
  failed: boolean[];
  durationMs: number;
  /** Export the scenario's latency buckets (default true). */
  buckets?: boolean;
}

export function summaryFrom({ durations, failed, durationMs, buckets = true }: Samples): K6SummaryData {
  const n = durations.length;
  const failures = failed.filter(Boolean).length;
  const seconds = durationMs / 1000;
  const metrics: Record<string, SummaryMetric> = {
    http_reqs: { type: 'counter', contains: 'default', values: { count: n, rate: n / seconds } },
    'http_reqs{status:200}': { type: 'counter', contains: 'default', values: { count: n - failures, rate: (n - failures) / seconds }, thresholds: { 'count>=0': { ok: true } } },
    http_req_failed: {
      type: 'rate',
      contains: 'default',
      values: { rate: failures / n, passes: failures, fails: n - failures },
      thresholds: { 'rate<0.05': { ok: failures / n < 0.05 } },
    },
    http_req_duration: { ...trend(durations), thresholds: { 'p(95)<100': { ok: (trend(durations).values as TrendValues)['p(95)'] < 100 } } },
    iterations: { type: 'counter', contains: 'default', values: { count: n, rate: n / seconds } },
    vus_max: { type: 'gauge', contains: 'default', values: { value: 5, min: 5, max: 5 } },
  };
  if (failures < n) metrics['http_reqs{status:500}'] = { type: 'counter', contains: 'default', values: { count: failures, rate: failures / seconds } };
  if (buckets) {
    const counts = new Array(BUCKET_COUNT).fill(0);
    for (const d of durations) counts[bucketOf(d)]++;
    counts.forEach((count, b) => {
      if (count > 0) metrics[`${LATENCY_BUCKET_METRIC}{b:${b}}`] = { type: 'counter', contains: 'default', values: { count, rate: count / seconds }, thresholds: { 'count>=0': { ok: true } } };
    });
  }
  return {
    root_group: {
      name: '',
      path: '',
      id: 'd41d8cd98f00b204e9800998ecf8427e',
      groups: [],
      checks: [{ name: 'status is 200', path: '::status is 200', id: 'c', passes: n - failures, fails: failures }],
    },
    options: { summaryTrendStats: TREND_STATS, summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
    metrics,
  };
}

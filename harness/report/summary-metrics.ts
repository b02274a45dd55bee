/**
 * Reads the numbers the report needs out of a k6 `handleSummary` data object: request
 * counts, the status / error-code breakdown the scenario's always-true thresholds put
 * there (`http_reqs{status:500}`, `http_reqs{error_code:1050}`), latency columns and the
 * achieved rate. k6 leaves out a metric that got no samples, so an absent counter is a
 * measured zero, while an absent trend column is "not asked for" (summaryTrendStats).
 */
import type { CounterValues, K6SummaryData, RateValues, TrendValues } from '../runners/k6-summary.ts';
import { LATENCY_KEYS, type LatencyKey, type Measured } from './report-types.ts';

export interface SummaryCounts {
  requests: number;
  /** `http_req_failed` passes (a pass of that rate is a failed request). */
  failed: number;
  /** Status code → count, from `http_reqs{status:N}` sub-metrics; undefined when the summary has none. */
  byStatus?: Record<string, number>;
  /** k6 error code → count, from `http_reqs{error_code:N}` sub-metrics; undefined when none. */
  byErrorCode?: Record<string, number>;
}

const TREND_COLUMN: Record<LatencyKey, string> = { avg: 'avg', p50: 'med', p90: 'p(90)', p95: 'p(95)', p99: 'p(99)', max: 'max' };

function counter(data: K6SummaryData, name: string): number | undefined {
  const metric = data.metrics[name];
  if (metric?.type !== 'counter') return undefined;
  const count = (metric.values as CounterValues).count;
  return typeof count === 'number' ? count : undefined;
}

/** Sub-metrics of `http_reqs` keyed by one tag, e.g. `status` → { "200": 120, "500": 30 }. */
function httpReqsByTag(data: K6SummaryData, tag: string): Record<string, number> | undefined {
  const prefix = `http_reqs{${tag}:`;
  let found: Record<string, number> | undefined;
  for (const [name, metric] of Object.entries(data.metrics)) {
    if (!name.startsWith(prefix) || !name.endsWith('}') || metric.type !== 'counter') continue;
    const value = name.slice(prefix.length, -1);
    found ??= {};
    found[value] = (metric.values as CounterValues).count ?? 0;
  }
  return found;
}

export function readCounts(data: K6SummaryData): SummaryCounts {
  const requests = counter(data, 'http_reqs') ?? 0;
  const failedMetric = data.metrics.http_req_failed;
  const failed = failedMetric && failedMetric.type === 'rate' ? ((failedMetric.values as RateValues).passes ?? 0) : 0;
  return { requests, failed, byStatus: httpReqsByTag(data, 'status'), byErrorCode: httpReqsByTag(data, 'error_code') };
}

export function readLatency(data: K6SummaryData): Record<LatencyKey, Measured> {
  const metric = data.metrics.http_req_duration;
  const result = {} as Record<LatencyKey, Measured>;
  for (const key of LATENCY_KEYS) {
    if (metric?.type !== 'trend') {
      result[key] = { value: null, reason: 'no request completed (the summary has no http_req_duration)' };
      continue;
    }
    const value = (metric.values as TrendValues)[TREND_COLUMN[key]];
    result[key] =
      typeof value === 'number' && Number.isFinite(value)
        ? { value }
        : { value: null, reason: `the summary has no ${TREND_COLUMN[key]} column (add it to summaryTrendStats)` };
  }
  return result;
}

export interface AchievedLoad {
  achievedRate: Measured;
  droppedIterations: Measured;
  testRunDurationMs: Measured;
}

export function readAchievedLoad(data: K6SummaryData): AchievedLoad {
  const durationMs = data.state?.testRunDurationMs;
  const testRunDurationMs: Measured =
    typeof durationMs === 'number' && durationMs > 0 ? { value: durationMs } : { value: null, reason: 'the summary has no testRunDurationMs' };
  const reqs = data.metrics.http_reqs;
  let achievedRate: Measured;
  if (reqs && reqs.type === 'counter' && typeof (reqs.values as CounterValues).rate === 'number') {
    achievedRate = { value: (reqs.values as CounterValues).rate, source: 'http_reqs rate' };
  } else if (testRunDurationMs.value !== null) {
    // No http_reqs at all: k6 sent nothing during a measured run time.
    achievedRate = { value: (counter(data, 'http_reqs') ?? 0) / (testRunDurationMs.value / 1000), source: 'http_reqs count / testRunDurationMs' };
  } else {
    achievedRate = { value: null, reason: 'neither an http_reqs rate nor a test duration in the summary' };
  }
  const dropped = counter(data, 'dropped_iterations');
  const droppedIterations: Measured =
    dropped === undefined ? { value: 0, source: 'absent from the summary: k6 reports dropped_iterations only when some were dropped' } : { value: dropped };
  return { achievedRate, droppedIterations, testRunDurationMs };
}

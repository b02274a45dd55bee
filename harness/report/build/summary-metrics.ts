/**
 * Latency columns and the achieved rate out of a k6 `handleSummary` data object (counts
 * are read by `model/k6-summary-counts.ts`). An absent trend column is "not asked for"
 * (summaryTrendStats), not a zero.
 */
import type { CounterValues, K6SummaryData, TrendValues } from '../../model/k6-summary.ts';
import { counter } from '../../model/k6-summary-counts.ts';
import { LATENCY_KEYS, type LatencyKey, type Measured } from '../report-types.ts';

const TREND_COLUMN: Record<LatencyKey, string> = { avg: 'avg', p50: 'med', p90: 'p(90)', p95: 'p(95)', p99: 'p(99)', max: 'max' };

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

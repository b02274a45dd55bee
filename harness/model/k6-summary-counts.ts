/**
 * Request and failure counts out of a k6 `handleSummary` data object, with the status /
 * error-code breakdown the scenario's always-true thresholds put there
 * (`http_reqs{status:500}`, `http_reqs{error_code:1050}`). k6 leaves out a metric that got
 * no samples, so an absent counter is a measured zero.
 */
import type { CounterValues, K6SummaryData, RateValues } from './k6-summary.ts';

export interface SummaryCounts {
  requests: number;
  /** `http_req_failed` passes (a pass of that rate is a failed request). */
  failed: number;
  /** Status code → count, from `http_reqs{status:N}` sub-metrics; undefined when the summary has none. */
  byStatus?: Record<string, number>;
  /** k6 error code → count, from `http_reqs{error_code:N}` sub-metrics; undefined when none. */
  byErrorCode?: Record<string, number>;
}

export function counter(data: K6SummaryData, name: string): number | undefined {
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

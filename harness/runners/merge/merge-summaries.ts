/**
 * The handleSummary data of N runners of one split test (k6 execution segments, k6-operator
 * runners or plain Jobs) as one summary of exactly the shape a single runner writes, so a
 * distributed run reports like a single one. How each part was combined is returned
 * beside it: which runners contributed and which did not (by name, with the reason),
 * how percentiles were obtained and their error bound, and which trends only have an
 * upper bound for their percentiles. Thresholds are re-evaluated on the merged values.
 */
import type { K6SummaryData, SummaryMetric } from '../../model/k6-summary.ts';
import { BUCKET_COUNT, BUCKET_RATIO, histogramOf, PERCENTILE_ERROR, percentileOf } from '../../model/latency-histogram.ts';
import type { MergeInfo } from '../../model/distribution.ts';
import { mergeGroups } from './merge-groups.ts';
import { mergeMetric, percentOf } from './merge-metric.ts';
import { holds, parseThresholdExpression } from './threshold-expression.ts';

export type { MergeInfo };

export interface RunnerSummary {
  name: string;
  /** Absent when the runner never started, died, or its summary could not be read. */
  summary?: K6SummaryData;
  /** Why there is no summary, for the report. */
  failure?: string;
}

/** The trend the latency buckets describe (every response's duration). */
export const HISTOGRAM_METRIC = 'http_req_duration';


export interface MergeResult {
  /** Undefined when no runner produced a summary. */
  summary?: K6SummaryData;
  info: MergeInfo;
}

export function mergeSummaries(runners: RunnerSummary[]): MergeResult {
  const present = runners.filter((r): r is RunnerSummary & { summary: K6SummaryData } => r.summary !== undefined);
  const missing = runners.filter((r) => !r.summary).map((r) => ({ name: r.name, reason: r.failure ?? 'no summary' }));
  // A runner without a single response exported no bucket, rightly: its histogram is empty.
  const histograms = present.map((r) => histogramOf(r.summary) ?? (r.summary.metrics[HISTOGRAM_METRIC] ? undefined : new Array(BUCKET_COUNT).fill(0)));
  const histogram = histograms.length > 0 && histograms.every((h) => h) ? addUp(histograms as number[][]) : undefined;
  const info: MergeInfo = {
    runners: runners.length,
    contributed: present.map((r) => r.name),
    missing,
    percentiles: histogram
      ? {
          method: 'latency-buckets',
          metric: HISTOGRAM_METRIC,
          bucketRatio: BUCKET_RATIO,
          relativeError: PERCENTILE_ERROR.relative,
          absoluteErrorMs: PERCENTILE_ERROR.absoluteMs,
          upToMs: PERCENTILE_ERROR.upToMs,
        }
      : { method: 'upper-bound', metric: HISTOGRAM_METRIC, reason: 'not every runner exported latency buckets' },
    upperBoundTrends: [],
    thresholdsFromRunners: [],
  };
  if (present.length === 0) return { info };

  const summaries = present.map((r) => r.summary);
  const durationMs = Math.max(...summaries.map((s) => s.state.testRunDurationMs));
  const names = [...new Set(summaries.flatMap((s) => Object.keys(s.metrics)))];
  const metrics: Record<string, SummaryMetric> = {};
  for (const name of names) {
    const parts = summaries.map((s) => s.metrics[name]).filter((m): m is SummaryMetric => m !== undefined);
    const { metric, bounded } = mergeMetric(parts, durationMs, { histogram: name === HISTOGRAM_METRIC ? histogram : undefined });
    if (bounded) info.upperBoundTrends.push(name);
    const thresholds = mergeThresholds(name, parts, metric, name === HISTOGRAM_METRIC ? histogram : undefined, info);
    metrics[name] = thresholds ? { ...metric, thresholds } : metric;
  }
  const [first] = summaries;
  return {
    summary: {
      root_group: mergeGroups(summaries.map((s) => s.root_group)),
      options: first.options,
      state: { ...first.state, testRunDurationMs: durationMs },
      metrics,
    },
    info,
  };
}

function mergeThresholds(
  name: string,
  parts: SummaryMetric[],
  merged: SummaryMetric,
  histogram: number[] | undefined,
  info: MergeInfo,
): Record<string, { ok: boolean }> | undefined {
  const sources = [...new Set(parts.flatMap((p) => Object.keys(p.thresholds ?? {})))];
  if (sources.length === 0) return undefined;
  const result: Record<string, { ok: boolean }> = {};
  const values = merged.values as Record<string, number>;
  for (const source of sources) {
    const parsed = parseThresholdExpression(source);
    let actual = parsed ? values[parsed.aggregation === 'med' ? 'med' : parsed.aggregation] : undefined;
    const percent = parsed ? percentOf(parsed.aggregation) : undefined;
    if (percent !== undefined && histogram) actual = percentileOf(histogram, percent, values.min, values.max);
    else if (percent !== undefined && info.upperBoundTrends.includes(name)) actual = undefined;
    if (parsed && typeof actual === 'number') result[source] = { ok: holds(actual, parsed.operator, parsed.value) };
    else {
      info.thresholdsFromRunners.push(`${name} ${source}`);
      result[source] = { ok: parts.every((p) => p.thresholds?.[source]?.ok !== false) };
    }
  }
  return result;
}

function addUp(histograms: number[][]): number[] {
  return histograms[0].map((_, b) => histograms.reduce((total, h) => total + h[b], 0));
}

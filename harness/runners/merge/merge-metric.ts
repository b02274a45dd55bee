/**
 * One metric of several runners' summaries as one, by type: counters and rates add up
 * exactly; gauges (vus, vus_max) add up as the VUs of concurrent runners do; trends get
 * exact count, min and max, a count-weighted avg, and percentiles from merged latency
 * buckets when every runner exported them, else the highest runner's value, which bounds
 * the merged percentile from above (a mixture's quantile never exceeds its parts' largest).
 */
import type { CounterValues, GaugeValues, RateValues, SummaryMetric, TrendValues } from '../../model/k6-summary.ts';
import { percentileOf } from '../../model/latency-histogram.ts';

export interface TrendContext {
  /** Merged bucket counts for this metric, when every runner exported them. */
  histogram?: number[];
}

export function percentOf(column: string): number | undefined {
  if (column === 'med') return 50;
  const match = /^p\((\d+(?:\.\d+)?)\)$/.exec(column);
  return match ? Number(match[1]) : undefined;
}

export function mergeMetric(parts: SummaryMetric[], durationMs: number, trend: TrendContext): { metric: SummaryMetric; bounded: boolean } {
  const [first] = parts;
  const base = { type: first.type, contains: first.contains };
  switch (first.type) {
    case 'counter': {
      const count = sum(parts.map((p) => (p.values as CounterValues).count));
      return { metric: { ...base, values: { count, rate: durationMs > 0 ? count / (durationMs / 1000) : 0 } }, bounded: false };
    }
    case 'rate': {
      const passes = sum(parts.map((p) => (p.values as RateValues).passes));
      const fails = sum(parts.map((p) => (p.values as RateValues).fails));
      return { metric: { ...base, values: { rate: passes + fails > 0 ? passes / (passes + fails) : 0, passes, fails } }, bounded: false };
    }
    case 'gauge': {
      const values = parts.map((p) => p.values as GaugeValues);
      return { metric: { ...base, values: { value: sum(values.map((v) => v.value)), min: sum(values.map((v) => v.min)), max: sum(values.map((v) => v.max)) } }, bounded: false };
    }
    default:
      return mergeTrend(parts, base, trend);
  }
}

function mergeTrend(parts: SummaryMetric[], base: Pick<SummaryMetric, 'type' | 'contains'>, trend: TrendContext): { metric: SummaryMetric; bounded: boolean } {
  const values = parts.map((p) => p.values as TrendValues);
  const counts = values.map((v) => v.count);
  const haveCounts = counts.every((c) => typeof c === 'number');
  const total = haveCounts ? sum(counts) : undefined;
  const min = Math.min(...values.map((v) => v.min));
  const max = Math.max(...values.map((v) => v.max));
  const merged: TrendValues = {};
  let bounded = false;
  for (const column of Object.keys(values[0])) {
    const percent = percentOf(column);
    if (column === 'count' && total !== undefined) merged.count = total;
    else if (column === 'min') merged.min = min;
    else if (column === 'max') merged.max = max;
    else if (column === 'avg') {
      // Without counts, runners weigh equally: only the avg column is then approximate.
      merged.avg = total ? sum(values.map((v, i) => v.avg * counts[i])) / total : sum(values.map((v) => v.avg)) / values.length;
    } else if (percent !== undefined && trend.histogram) merged[column] = percentileOf(trend.histogram, percent, min, max);
    else {
      merged[column] = Math.max(...values.map((v) => v[column]));
      bounded = true;
    }
  }
  return { metric: { ...base, values: merged }, bounded };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + (b ?? 0), 0);
}

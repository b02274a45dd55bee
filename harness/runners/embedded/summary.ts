/** Builds k6's handleSummary `data` object from the run's metrics, thresholds and groups. */
import type { K6SummaryData, SummaryMetric } from '../../model/k6-summary.ts';
import type { GroupNode } from './group-tree.ts';
import type { Metric, MetricRegistry, Submetric } from './metrics/registry.ts';
import { CounterSink, GaugeSink, RateSink } from './metrics/sinks.ts';
import type { Threshold } from './metrics/thresholds.ts';
import { TrendSink } from './metrics/trend-sink.ts';

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

export interface SummaryInput {
  registry: MetricRegistry;
  thresholds: Threshold[];
  rootGroup: GroupNode;
  trendStats: string[];
  summaryTimeUnit: string;
  testRunDurationMs: number;
  /** What setup() returned, after its JSON round trip; undefined leaves `setup_data` out, as in k6. */
  setupData?: unknown;
}

export function buildSummary(input: SummaryInput): K6SummaryData {
  const seconds = input.testRunDurationMs / 1000;
  const metrics: Record<string, SummaryMetric> = {};
  for (const metric of input.registry.metrics.values()) {
    if (metric.observed) metrics[metric.name] = describe(metric, metric, input.trendStats, seconds);
    for (const sub of metric.submetrics) {
      if (sub.observed) metrics[sub.name] = describe(metric, sub, input.trendStats, seconds);
    }
  }
  for (const threshold of input.thresholds) {
    const entry = metrics[threshold.aggregate.name];
    entry.thresholds ??= {};
    entry.thresholds[threshold.source] = { ok: threshold.ok };
  }
  return {
    root_group: input.rootGroup.toSummary(),
    options: { summaryTrendStats: [...input.trendStats], summaryTimeUnit: input.summaryTimeUnit, noColor: false },
    state: {
      isStdOutTTY: process.stdout.isTTY === true,
      isStdErrTTY: process.stderr.isTTY === true,
      testRunDurationMs: input.testRunDurationMs,
    },
    metrics,
    ...(input.setupData === undefined ? {} : { setup_data: input.setupData }),
  };
}

function describe(metric: Metric, aggregate: Metric | Submetric, trendStats: string[], seconds: number): SummaryMetric {
  return { type: metric.type, contains: metric.contains, values: sinkValues(aggregate.sink, trendStats, seconds) };
}

function sinkValues(sink: Metric['sink'], trendStats: string[], seconds: number): SummaryMetric['values'] {
  if (sink instanceof CounterSink) return { count: sink.count, rate: seconds > 0 ? sink.count / seconds : 0 };
  if (sink instanceof GaugeSink) return { value: sink.value, min: sink.min, max: sink.max };
  if (sink instanceof RateSink) return { rate: sink.rate(), passes: sink.passes, fails: sink.fails };
  if (sink instanceof TrendSink) {
    const values: Record<string, number> = {};
    for (const stat of trendStats) values[stat] = trendStat(sink, stat);
    return values;
  }
  throw new Error('unknown sink');
}

export function trendStat(sink: TrendSink, stat: string): number {
  switch (stat) {
    case 'avg':
      return sink.avg();
    case 'min':
      return sink.min;
    case 'max':
      return sink.max;
    case 'med':
      return sink.percentile(0.5);
    case 'count':
      return sink.count;
    default:
      return sink.percentile(Number(stat.slice(2, -1)) / 100);
  }
}

/** k6 accepts avg, min, med, max, count and p(N) with 0 <= N <= 100. */
export function isTrendStat(stat: unknown): boolean {
  if (typeof stat !== 'string') return false;
  if (['avg', 'min', 'med', 'max', 'count'].includes(stat)) return true;
  const match = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
  return match !== null && Number(match[1]) <= 100;
}

/**
 * k6 thresholds: `'<metric>{tag:value}': ['<agg> <op> <value>', { threshold, abortOnFail,
 * delayAbortEval }]`, parsed up front (a bad one is invalid config, exit 104) and
 * evaluated against the live sinks, at the end and every 2 s for abortOnFail ones.
 */
import { UserError } from '../../../errors/user-error.ts';
import type { MetricType } from '../../../model/k6-summary.ts';
import { optionalDurationMs } from '../duration.ts';
import type { Metric, MetricRegistry, Submetric } from './registry.ts';
import { CounterSink, GaugeSink, RateSink } from './sinks.ts';
import { TrendSink } from './trend-sink.ts';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface Threshold {
  /** The expression as written, the key of the summary's `thresholds` map. */
  source: string;
  aggregation: string;
  operator: Operator;
  value: number;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
  metric: Metric;
  aggregate: Metric | Submetric;
  /** Last evaluation; k6 reports a threshold that never failed as ok. */
  ok: boolean;
}

const EXPRESSION = /^\s*([a-z]+(?:\(\s*\d+(?:\.\d+)?\s*\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

const AGGREGATIONS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^value$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\(\s*\d+(\.\d+)?\s*\))$/,
};

/** Parses `options.thresholds`, creating the sub-metrics they name. */
export function parseThresholds(raw: unknown, registry: MetricRegistry): Threshold[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('options.thresholds must be an object');
  const thresholds: Threshold[] = [];
  for (const [name, list] of Object.entries(raw as Record<string, unknown>)) {
    const { metric, aggregate } = registry.target(name);
    aggregate.observed = true;
    const entries = Array.isArray(list) ? list : [list];
    for (const entry of entries) thresholds.push(parseOne(name, entry, metric, aggregate));
  }
  return thresholds;
}

function parseOne(name: string, entry: unknown, metric: Metric, aggregate: Metric | Submetric): Threshold {
  const spec = typeof entry === 'string' ? { threshold: entry } : (entry as Record<string, unknown>);
  if (!spec || typeof spec.threshold !== 'string') throw invalid(`threshold for "${name}" must be a string or { threshold: "..." }`);
  const match = EXPRESSION.exec(spec.threshold);
  if (!match) throw invalid(`threshold "${spec.threshold}" on "${name}" is not "<aggregation> <operator> <number>"`);
  const aggregation = match[1].replace(/\s+/g, '');
  if (!AGGREGATIONS[metric.type].test(aggregation)) {
    throw invalid(`"${aggregation}" is not an aggregation of ${metric.type} metric "${name}"`);
  }
  return {
    source: spec.threshold,
    aggregation,
    operator: match[2] as Operator,
    value: Number(match[3]),
    abortOnFail: spec.abortOnFail === true,
    delayAbortEvalMs: optionalDurationMs(spec.delayAbortEval, 0, `delayAbortEval of "${name}"`),
    metric,
    aggregate,
    ok: true,
  };
}

/** Re-evaluates every threshold; returns those that fail now. */
export function evaluateThresholds(thresholds: Threshold[], elapsedSeconds: number): Threshold[] {
  const failed: Threshold[] = [];
  for (const threshold of thresholds) {
    const actual = aggregateValue(threshold.aggregate.sink, threshold.aggregation, elapsedSeconds);
    threshold.ok = compare(actual, threshold.operator, threshold.value);
    if (!threshold.ok) failed.push(threshold);
  }
  return failed;
}

function aggregateValue(sink: Metric['sink'], aggregation: string, elapsedSeconds: number): number {
  if (sink instanceof CounterSink) return aggregation === 'count' ? sink.count : elapsedSeconds > 0 ? sink.count / elapsedSeconds : 0;
  if (sink instanceof GaugeSink) return sink.value;
  if (sink instanceof RateSink) return sink.rate();
  if (sink instanceof TrendSink) {
    if (aggregation === 'avg') return sink.avg();
    if (aggregation === 'min') return sink.min;
    if (aggregation === 'max') return sink.max;
    if (aggregation === 'med') return sink.percentile(0.5);
    return sink.percentile(Number(aggregation.slice(2, -1)) / 100);
  }
  throw new Error('unknown sink');
}

function compare(actual: number, operator: Operator, expected: number): boolean {
  switch (operator) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
    case '===':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

function invalid(message: string): UserError {
  return new UserError({ code: 'K6_INVALID_THRESHOLD', message, fix: 'see k6-compat.md for the threshold syntax' });
}

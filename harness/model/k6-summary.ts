/**
 * The `data` object k6 passes to `handleSummary` (k6 0.30 through 2.x, default mode).
 * It is the one format the harness reads from every engine; see shared k6-compat.md and
 * the real k6 v0.49 fixture.
 */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type MetricContains = 'default' | 'time' | 'data';

export interface CounterValues {
  count: number;
  rate: number;
}
export interface GaugeValues {
  value: number;
  min: number;
  max: number;
}
export interface RateValues {
  rate: number;
  passes: number;
  fails: number;
}
/** Keys are the `summaryTrendStats` columns: avg, min, med, max, p(90), p(95), p(99), count. */
export type TrendValues = Record<string, number>;

export interface SummaryMetric {
  type: MetricType;
  contains: MetricContains;
  values: CounterValues | GaugeValues | RateValues | TrendValues;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryCheck {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface SummaryGroup {
  name: string;
  path: string;
  id: string;
  groups: SummaryGroup[];
  checks: SummaryCheck[];
}

export interface K6SummaryData {
  root_group: SummaryGroup;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
}

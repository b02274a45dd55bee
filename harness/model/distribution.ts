/**
 * How a split run's runners were combined into one summary (runners/merge/): kept with the
 * cell, so the report can say how many runners contributed, who is missing and why, and
 * how exact its percentiles are.
 */
export interface MergeInfo {
  runners: number;
  contributed: string[];
  missing: Array<{ name: string; reason: string }>;
  percentiles:
    | { method: 'latency-buckets'; metric: string; bucketRatio: number; relativeError: number; absoluteErrorMs: number; upToMs: number }
    | { method: 'upper-bound'; metric: string; reason: string };
  /** Trends whose percentile columns are the highest runner's value (an upper bound). */
  upperBoundTrends: string[];
  /** Thresholds that could not be recomputed from merged values: all runners' verdicts must hold. */
  thresholdsFromRunners: string[];
  /** Whether the runners started their load together (runners/start-barrier.ts); absent when the engine cannot be started paused. */
  start?: StartReport;
}

export interface StartReport {
  /** Every runner that started was released at once. */
  together: boolean;
  /** Milliseconds between the first and the last runner being ready. */
  readySpreadMs: number;
  /** Runners that arrived after the others had been released, by name, with how late. */
  late: Array<{ name: string; lateMs: number }>;
}

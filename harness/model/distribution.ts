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
}

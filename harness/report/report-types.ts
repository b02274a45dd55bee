/**
 * The canonical report (`report.json`, schema `resilience-bench/report@1`). Every renderer
 * is a pure function of this object, and a baseline comparison reads two of them. The
 * shape is documented field by field in SCHEMA.md; change it only additively within @1.
 */
import type { LintFinding } from '../istio/lint/lint-finding.ts';
import type { Prediction } from '../istio/outcome/prediction.ts';
import type { Expectation, VantageName } from '../model/plan.ts';
import type { RunRecord, RunStatus } from '../run/run-record.ts';
import type { RunOutcomeKind } from '../model/k6-outcome.ts';

export const REPORT_SCHEMA = 'resilience-bench/report@1';

/**
 * A number the report could measure, or `null` with the reason it could not. Never a
 * silent 0: a missing proxy stat or k6 summary is not the same as "nothing happened".
 */
export type Measured<T = number> = { value: T; source?: string } | { value: null; reason: string };

/** A proportion with its confidence interval (Wilson score). */
export interface ProportionEstimate {
  count: number;
  total: number;
  rate: number;
  lower: number;
  upper: number;
  confidence: number;
}

export type LatencyKey = 'avg' | 'p50' | 'p90' | 'p95' | 'p99' | 'max';
export const LATENCY_KEYS: readonly LatencyKey[] = ['avg', 'p50', 'p90', 'p95', 'p99', 'max'];

/** Why requests failed, split by cause. Causes overlap (a 503 can be an overflow); each is counted on its own. */
export interface FailureBreakdown {
  /** Failed requests (k6 `http_req_failed`). */
  total: Measured;
  /** Every status seen, by code as a string ("0" = no HTTP answer), successes included. */
  byStatus: Measured<Record<string, number>>;
  /** `2xx`, `3xx`, `4xx`, `5xx`, and `network` for status 0. */
  byStatusClass: Measured<Record<string, number>>;
  /** Requests whose status the summary's breakdown did not list (a status outside STATUS_CODES). */
  unlistedStatus: Measured;
  /** k6 error code 1050: the client's request timeout fired. */
  timeouts: Measured;
  /** Status 0 with codes 1000 / 1211 / 1212 / 1220 (EOF, dial timeout, refused, reset). */
  connectionFailures: Measured;
  connectionFailuresByCode: Measured<Record<string, number>>;
  /** Aborts injected by a VirtualService fault (access-log flag FI, else `fault.aborts_injected`). */
  injectedAborts: Measured;
  /** Circuit-breaker overflow 503s (access-log flag UO, else `upstream_rq_pending_overflow`). */
  overflow503: Measured;
  /** `no healthy upstream` 503s (access-log flag UH). */
  noHealthyUpstream: Measured;
}

export interface LoadReport {
  targetRate: number;
  targetDurationSeconds: number;
  achievedRate: Measured;
  /** achievedRate / targetRate. */
  achievedRatio: Measured;
  droppedIterations: Measured;
  testRunDurationMs: Measured;
}

export type ProxyCounterName =
  | 'upstreamRequests'
  | 'retries'
  | 'retrySuccesses'
  | 'retryLimitExceeded'
  | 'retryOverflows'
  | 'perTryTimeouts'
  | 'routeTimeouts'
  | 'pendingOverflows'
  | 'connectionOverflows'
  | 'ejections'
  | 'faultAbortsInjected'
  | 'faultDelaysInjected';

export interface ProxyCountersReport {
  available: boolean;
  reason?: string;
  /** Clusters whose counters were summed (`outbound|80||appflaky.retryns.svc.cluster.local`). */
  clusters: string[];
  proxies: string[];
  counters: Record<ProxyCounterName, Measured>;
}

export interface AccessLogSummary {
  available: boolean;
  reason?: string;
  entries: number;
  /** Malformed lines skipped. */
  skippedLines: number;
  /** Entries per response flag (UO, UH, FI, ...). */
  flags: Record<string, number>;
}

/** `load`: the share of the requested requests that were made (see build/load-check.ts). */
export type ExpectationMetric = 'load' | 'errorRate' | 'networkErrorRate' | 'latencyMs.p50' | 'latencyMs.p90' | 'latencyMs.p95' | 'latencyMs.p99' | 'latencyMs.max';

/** One bound of the plan's Expectation checked against the observed point estimate. */
export interface ExpectationCheck {
  metric: ExpectationMetric;
  bound: 'min' | 'max';
  limit: number;
  observed: number | null;
  passed: boolean;
  message: string;
}

export interface PredictionCheck {
  /** What was compared: the success proportion or the network-error proportion. */
  metric: 'successRate' | 'networkErrorRate';
  /** The predicted point, or the predicted [min, max]. */
  predicted: { point?: number; min?: number; max?: number };
  observed: ProportionEstimate;
  consistent: boolean;
}

export interface LikelyCause {
  /** Stable code: `no-retries`, `bypassed-sidecar`, `config-not-propagated`, ... (SCHEMA.md). */
  code: string;
  message: string;
  /** The numbers that point to it. */
  evidence: string;
}

export type Verdict = 'expectation-failed' | 'as-configured' | 'deviates' | 'not-modelled' | 'not-run';
export type Execution = 'completed' | 'interrupted' | 'failed';

export interface CellReport {
  stage: string;
  vantage: VantageName;
  path: string;
  engine: { name: string; version: string };
  outcome: RunOutcomeKind;
  exitCode: number;
  detail?: string;
  startedAt: string;
  finishedAt: string;
  /** Whether the load ran to its end (`failed`: no summary, or the engine or script failed). */
  execution: Execution;
  summaryAvailable: boolean;
  summaryReason?: string;
  requests: Measured;
  successes: Measured;
  failures: FailureBreakdown;
  /** Share of requests k6 counted as failed. */
  errorRate: Measured<ProportionEstimate>;
  /** Share of requests with no HTTP answer (status 0). */
  networkErrorRate: Measured<ProportionEstimate>;
  latencyMs: Record<LatencyKey, Measured>;
  load: LoadReport;
  proxy: ProxyCountersReport;
  accessLog: AccessLogSummary;
  expectation?: Expectation;
  checks: ExpectationCheck[];
  prediction?: Prediction;
  predictionChecks: PredictionCheck[];
  verdict: Verdict;
  /** One line per failed bound, deviation or reason the cell did not run. */
  verdictReasons: string[];
  likelyCauses: LikelyCause[];
}

export interface StageReport {
  name: string;
  description?: string;
  configFiles: string[];
  configVersion?: number;
  propagationMs?: number;
  lint: LintFinding[];
}

/** What must match for two runs to be compared like for like. */
export interface Fingerprint {
  planHash: string;
  meshProfile: string;
  targetKind: string;
  /** `name@version` of every engine that ran a cell, sorted. */
  engines: string[];
  k6Version?: string;
  clusterVersion?: string;
  istioVersion?: string;
}

export type ChangeSignificance = 'significant' | 'within-noise';
export type ChangeDirection = 'improved' | 'regressed' | 'unchanged';

export interface MetricChange {
  metric: string;
  baseline: number;
  current: number;
  /** current − baseline (absolute for rates, ms for latency). */
  delta: number;
  /** (current − baseline) / baseline; absent when the baseline is 0. */
  relative?: number;
  /** Two-proportion test for rates, Holm-adjusted across the comparison. */
  pValue?: number;
  significance: ChangeSignificance;
  direction: ChangeDirection;
}

export interface CellComparison {
  stage: string;
  vantage: VantageName;
  changes: MetricChange[];
  /** Why a metric was not compared (not measured on one side). */
  skipped: string[];
  regressed: boolean;
}

export interface Comparison {
  baselineRunId: string;
  currentRunId: string;
  alpha: number;
  latencyTolerance: number;
  latencyFloorMs: number;
  regressed: boolean;
  improved: boolean;
  /** Fingerprint differences: the runs may not be comparable like for like. */
  warnings: string[];
  cells: CellComparison[];
  onlyInBaseline: { stage: string; vantage: VantageName }[];
  onlyInCurrent: { stage: string; vantage: VantageName }[];
}

export interface ReportTotals {
  cells: number;
  asConfigured: number;
  deviates: number;
  expectationFailed: number;
  notModelled: number;
  notRun: number;
  /** Planned stage × vantage cells with no record (interrupted run). */
  missing: number;
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  runId: string;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  error?: string;
  /** Every cell met its expectations, every planned cell ran, and the run completed. */
  passed: boolean;
  /** One line: what a reader needs first. */
  headline: string;
  confidence: number;
  plan: RunRecord['plan'];
  options: RunRecord['options'];
  versions: Record<string, string>;
  target: Record<string, string>;
  fingerprint: Fingerprint;
  stages: StageReport[];
  cells: CellReport[];
  missingCells: { stage: string; vantage: VantageName }[];
  totals: ReportTotals;
  limitations: string[];
  comparison?: Comparison;
}

/**
 * How a k6 scenario is run. Every engine (a k6 binary, a k6 Job in the cluster, the
 * embedded runtime) takes the same request and returns the same k6 summary data, so the
 * rest of the harness never cares which engine ran.
 */
import type { K6SummaryData } from '../model/k6-summary.ts';
import type { RunOutcomeKind } from '../model/k6-outcome.ts';
import type { EngineName } from '../model/engines.ts';
import type { MergeInfo } from './merge/merge-summaries.ts';

export interface RunRequest {
  /** Absolute path of the esbuild bundle (ES module) to run. */
  bundlePath: string;
  /** `__ENV` for the script (`k6 run -e KEY=VAL`). */
  env: Record<string, string>;
  /** Tags added to every metric sample (`k6 run --tag k=v`). */
  tags: Record<string, string>;
  /** Where handleSummary must write the summary JSON; the scenario reads it from `__ENV.SUMMARY_PATH`. */
  summaryPath: string;
  /** Proxy for http:// requests (in-mesh vantage on the local mesh), as k6 honours HTTP_PROXY. */
  httpProxy?: string;
  /** Aborted on Ctrl-C: the engine stops, still writes what it has, and resolves. */
  signal?: AbortSignal;
  /**
   * k6's `--execution-segment` and `--execution-segment-sequence`: this instance runs its
   * share of the test, so instances with the parts of one sequence run it exactly once.
   */
  executionSegment?: string;
  executionSegmentSequence?: string;
  /**
   * k6's `--paused`, for engines whose Runner says `startsTogether`: the run loads the
   * script and runs its init code, then calls this once and starts setup() and the load
   * when it resolves (split-runner.ts starts a split run's runners together this way).
   */
  startGate?: () => Promise<void>;
  /** Live progress, roughly once a second. */
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  elapsedMs: number;
  requests: number;
  failed: number;
  vus: number;
  /** A split run's runners, each by name: how far it got, and whether it has started. */
  runners?: Array<{ name: string; requests: number; started: boolean }>;
}

export interface RunResult {
  outcome: RunOutcomeKind;
  exitCode: number;
  /** Undefined only when the engine died before handleSummary ran. */
  summary?: K6SummaryData;
  engine: { name: EngineName; version: string };
  /** Human-readable detail for anything but 'ok' (stderr tail, exception message). */
  detail?: string;
  /** A split run: how its runners' summaries were combined into `summary`. */
  distribution?: MergeInfo;
}

export interface Runner {
  readonly name: EngineName;
  /** Engine version, e.g. "v0.49.0" for k6, or the harness version for embedded. */
  version(): Promise<string>;
  run(request: RunRequest): Promise<RunResult>;
  /** Where this engine's figures can differ from real k6's (shown in reports beside the target's); none for k6 itself. */
  readonly limitations?: readonly string[];
  /** The engine honours RunRequest.startGate (it can be started paused and resumed). */
  readonly startsTogether?: boolean;
  /**
   * A runner that splits a test over `runners` by its own means (the k6-operator's
   * TestRun); without it, the split is N copies of this runner (split-runner.ts).
   */
  distribute?(runners: number): Runner;
}

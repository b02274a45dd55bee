/**
 * How a k6 scenario is run. Every engine (a k6 binary, a k6 Job in the cluster, the
 * embedded runtime) takes the same request and returns the same k6 summary data, so the
 * rest of the harness never cares which engine ran.
 */
import type { K6SummaryData } from './k6-summary.ts';

export type EngineName = 'k6' | 'k6-job' | 'embedded';

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
  /** Live progress, roughly once a second. */
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  elapsedMs: number;
  requests: number;
  failed: number;
  vus: number;
}

/** k6's exit codes and what they mean to the harness. */
export type RunOutcomeKind =
  | 'ok'
  | 'thresholds-failed' // 99
  | 'setup-timeout' // 100
  | 'teardown-timeout' // 101
  | 'invalid-config' // 104
  | 'interrupted' // 105
  | 'script-exception' // 107
  | 'aborted-by-script' // 108
  | 'failed-by-script' // 110
  | 'engine-error'; // anything else

export interface RunResult {
  outcome: RunOutcomeKind;
  exitCode: number;
  /** Undefined only when the engine died before handleSummary ran. */
  summary?: K6SummaryData;
  engine: { name: EngineName; version: string };
  /** Human-readable detail for anything but 'ok' (stderr tail, exception message). */
  detail?: string;
}

export interface Runner {
  readonly name: EngineName;
  /** Engine version, e.g. "v0.49.0" for k6, or the harness version for embedded. */
  version(): Promise<string>;
  run(request: RunRequest): Promise<RunResult>;
}

export const EXIT_CODE_OUTCOMES: Record<number, RunOutcomeKind> = {
  0: 'ok',
  99: 'thresholds-failed',
  100: 'setup-timeout',
  101: 'teardown-timeout',
  104: 'invalid-config',
  105: 'interrupted',
  107: 'script-exception',
  108: 'aborted-by-script',
  110: 'failed-by-script',
};

export function outcomeForExitCode(code: number): RunOutcomeKind {
  return EXIT_CODE_OUTCOMES[code] ?? 'engine-error';
}

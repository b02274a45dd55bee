/** What every VU of one run shares: metrics, the group tree, options, tags and the stop switch. */
import type { GroupNode } from './group-tree.ts';
import type { Metric, MetricRegistry, Tags } from './metrics/registry.ts';
import type { TestOptions } from './options.ts';

export type StopReason = 'interrupted' | 'aborted-by-script' | 'thresholds-failed' | 'script-exception';

export interface BuiltinMetrics {
  vus: Metric;
  vus_max: Metric;
  iterations: Metric;
  iteration_duration: Metric;
  dropped_iterations: Metric;
  data_received: Metric;
  data_sent: Metric;
  checks: Metric;
  group_duration: Metric;
  http_reqs: Metric;
  http_req_failed: Metric;
  http_req_duration: Metric;
  http_req_blocked: Metric;
  http_req_connecting: Metric;
  http_req_tls_handshaking: Metric;
  http_req_sending: Metric;
  http_req_waiting: Metric;
  http_req_receiving: Metric;
}

export interface RunState {
  readonly registry: MetricRegistry;
  readonly builtin: BuiltinMetrics;
  readonly rootGroup: GroupNode;
  /** Set once the options instance has been read. */
  options?: TestOptions;
  /** `--tag` plus `options.tags`: on every sample. */
  runTags: Tags;
  readonly env: Record<string, string>;
  readonly httpProxy?: URL;
  readonly bundleDir: string;
  /** performance.now() when the test started (before setup). */
  startedAt: number;
  /** Aborted when the run must stop starting iterations. */
  readonly stop: AbortController;
  stopReason?: StopReason;
  stopDetail?: string;
  /** exec.test.fail() was called: exit 110 unless something worse happened. */
  failedByScript?: string;
  vusActive: number;
  vusInitialized: number;
  iterationsCompleted: number;
  iterationsInterrupted: number;
  /** Asks the run to stop; `hard` interrupts running iterations instead of letting them finish. */
  requestStop(reason: StopReason, detail: string, hard: boolean): void;
  /** Logs a script error to stderr the way k6 does, bounded so a failing loop cannot flood. */
  logError(message: string): void;
  /** One warning line on stderr, as k6 logs one (`WARN[0003] …`). */
  logWarning(message: string): void;
}

/**
 * What a run leaves on disk before any report is rendered: `results/<run-id>/run.json`
 * plus, per stage × vantage, the raw k6 summary, proxy stats and access log. Written
 * atomically as each cell finishes, so an interrupted run can still be rendered.
 */
import type { MergeInfo } from '../model/distribution.ts';
import type { LintFinding } from '../istio/lint/lint-finding.ts';
import type { Prediction } from '../istio/outcome/prediction.ts';
import type { Expectation, VantageName } from '../model/plan.ts';
import type { RunOutcomeKind } from '../model/k6-outcome.ts';

export const RUN_RECORD_SCHEMA = 'resilience-bench/run@1';

export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface CellRecord {
  stage: string;
  vantage: VantageName;
  startedAt: string;
  finishedAt: string;
  engine: { name: string; version: string };
  outcome: RunOutcomeKind;
  exitCode: number;
  detail?: string;
  /** Paths relative to the run folder. */
  files: { summary?: string; proxyStats?: string; accessLog?: string };
  expectation?: Expectation;
  /** What the expected-outcome model predicted for this cell before it ran. */
  prediction?: Prediction;
  /** How traffic got in (from the target's endpoint description). */
  path: string;
  /** What the load generator was asked for: requests/s and seconds. */
  load: { rate: number; durationSeconds: number };
  /** Split over several runners: how their summaries were merged into the cell's. */
  distribution?: MergeInfo;
}

export interface StageRecord {
  name: string;
  description?: string;
  configFiles: string[];
  /** Config version the proxies reached before load started. */
  configVersion?: number;
  propagationMs?: number;
  /** How the target knew the proxies had the stage (cluster: config dump or settle time). */
  propagation?: { method: string; detail: string };
  /** Config linter findings for this stage. */
  lint?: LintFinding[];
}

export interface RunRecord {
  schema: typeof RUN_RECORD_SCHEMA;
  runId: string;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  /** Why the run stopped early, when it did. */
  error?: string;
  plan: {
    name: string;
    description?: string;
    file: string;
    hash: string;
    meshProfile: string;
    namespace: string;
    scenario: string;
    url: string;
    vantages: VantageName[];
  };
  /** `stages` and `vantages`: what was selected to run (all of the plan's when absent). */
  options: { target: string; engine: string; seed: number; stages?: string[]; vantages?: VantageName[] };
  versions: Record<string, string>;
  target: Record<string, string>;
  stages: StageRecord[];
  cells: CellRecord[];
  /** Things the target cannot reproduce for this plan (local mesh limitations). */
  limitations?: string[];
}

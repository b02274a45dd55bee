/**
 * The run itself: for each planned stage, apply its Istio config, wait until every proxy
 * has it, run the scenario from each vantage, and store the raw results as each cell
 * finishes. The target is restored on success, failure and Ctrl-C (the undo is registered
 * before the first change). It does not throw for a failed stage: the outcome carries the
 * error, so the caller can still render what finished. Rendering is the caller's job.
 */
import { existsSync } from 'node:fs';
import { UserError } from '../errors/user-error.ts';
import { parseDuration } from '../util/duration.ts';
import { predict } from '../istio/outcome/expected-outcome.ts';
import type { LintFinding } from '../istio/lint/lint-finding.ts';
import type { PlannedStage } from '../plan/planner.ts';
import type { Plan, Stage, VantageName } from '../model/plan.ts';
import { readCounts } from '../model/k6-summary-counts.ts';
import { RUN_RECORD_SCHEMA, type CellRecord, type RunRecord, type RunStatus, type StageRecord } from './run-record.ts';
import type { RunResult, Runner } from '../runners/runner.ts';
import { createSplitRunner } from '../runners/split-runner.ts';
import type { Target } from '../targets/target.ts';
import type { ProgressReporter } from './progress.ts';
import { RunFolder, makeRunId } from './run-folder.ts';
import { UndoStack } from './undo-stack.ts';

export interface BenchOptions {
  plan: Plan;
  steps: PlannedStage[];
  target: Target;
  /** Absolute path of the scenario bundle. */
  bundlePath: string;
  resultsDir: string;
  seed: number;
  lint: LintFinding[];
  versions: Record<string, string>;
  /** The engine the user picked; the target decides per vantage whether load starts here (see Target.launcherFor). */
  runner: Runner;
  /** Aborted on Ctrl-C: the current cell stops, what finished is kept, the target is restored. */
  signal: AbortSignal;
  progress: ProgressReporter;
  propagationTimeoutMs?: number;
  now?: () => Date;
}

export interface BenchOutcome {
  folder: RunFolder;
  status: RunStatus;
  /** Why the run stopped early; what finished before it is in the folder. */
  error?: unknown;
}

export async function runBench(options: BenchOptions): Promise<BenchOutcome> {
  const { plan, target, progress, signal } = options;
  const now = options.now ?? (() => new Date());
  const record = initialRecord(options, now());
  let folder: RunFolder;
  try {
    folder = await RunFolder.create(options.resultsDir, record);
  } catch (error) {
    throw resultsNotWritable(options.resultsDir, error);
  }
  const undo = new UndoStack();
  progress.info(`run ${record.runId}: plan ${plan.name}, ${options.steps.length} stage(s), engine ${options.runner.name}, target ${target.kind}`);
  progress.info(`results: ${folder.dir}`);

  let status: RunStatus = 'completed';
  let failure: unknown;
  try {
    undo.push(`restore the ${target.kind} target`, () => target.restore());
    await target.prepare(plan, { runDir: folder.dir, signal });
    record.target = await target.describe();
    for (const [index, step] of options.steps.entries()) {
      if (signal.aborted) break;
      await runStage({ options, folder, step, index });
    }
    if (signal.aborted) status = 'interrupted';
  } catch (error) {
    status = signal.aborted ? 'interrupted' : 'failed';
    failure = resultsNotWritable(folder.dir, error);
    record.error = errorMessage(failure);
  } finally {
    const failures = await undo.unwindAll();
    if (failures.length > 0) {
      status = 'failed';
      record.error = [record.error, ...failures.map((f) => `restore failed: ${f}`)].filter(Boolean).join('\n');
      for (const failure of failures) progress.warn(`restore failed: ${failure}`);
    } else {
      progress.info(`restored the ${target.kind} target`);
    }
    record.status = status;
    record.finishedAt = now().toISOString();
    try {
      await folder.save();
    } catch (error) {
      // The disk filled up or the folder went away: what was saved before stays, and the
      // caller gets the error instead of a crash that would skip restoring and reporting.
      const unwritable = resultsNotWritable(folder.dir, error);
      progress.warn(errorMessage(unwritable));
      failure ??= unwritable;
      if (status === 'completed') status = 'failed';
    }
  }
  return { folder, status, error: failure };
}

function initialRecord(options: BenchOptions, startedAt: Date): RunRecord {
  const { plan } = options;
  return {
    schema: RUN_RECORD_SCHEMA,
    runId: makeRunId(plan.name, startedAt),
    status: 'running',
    startedAt: startedAt.toISOString(),
    plan: {
      name: plan.name,
      description: plan.description,
      file: plan.file,
      hash: plan.hash,
      meshProfile: plan.meshProfile,
      namespace: plan.namespace,
      scenario: plan.scenario.script,
      url: plan.scenario.url,
      vantages: plan.vantages,
    },
    options: {
      target: options.target.kind,
      engine: options.runner.name,
      seed: options.seed,
      stages: options.steps.map((s) => s.stage.name),
      vantages: [...new Set(options.steps.flatMap((s) => s.vantages))],
    },
    versions: options.versions,
    target: {},
    stages: [],
    cells: [],
  };
}

async function runStage(context: { options: BenchOptions; folder: RunFolder; step: PlannedStage; index: number }): Promise<void> {
  const { options, folder, step, index } = context;
  const { target, progress } = options;
  const stage = step.stage;
  const stageRecord: StageRecord = {
    name: stage.name,
    description: stage.description,
    configFiles: stage.configFiles,
    lint: options.lint.filter((finding) => finding.stage === stage.name),
  };
  folder.record.stages.push(stageRecord);
  progress.info(`[${index + 1}/${options.steps.length}] stage ${stage.name}${stage.description ? `: ${stage.description}` : ''}`);
  for (const finding of stageRecord.lint ?? []) progress.warn(`${finding.code} ${finding.message}`);

  const applyStarted = Date.now();
  const application = await target.applyStage({ stage: stage.name, config: stage.config, behaviour: stage.behaviour });
  const propagation = await target.waitForPropagation(application, options.propagationTimeoutMs ?? 30_000);
  stageRecord.configVersion = application.version;
  stageRecord.propagationMs = Date.now() - applyStarted;
  if (propagation) stageRecord.propagation = propagation;
  progress.info(`    config version ${application.version} on every proxy after ${stageRecord.propagationMs} ms${propagation ? ` (${propagation.method}: ${propagation.detail})` : ''}`);
  // What the target cannot reproduce depends on the applied config: the run keeps the union.
  const limitations = new Set([...(folder.record.limitations ?? []), ...(await target.limitations())]);
  folder.record.limitations = [...limitations];
  await folder.save();

  for (const vantage of step.vantages) {
    if (options.signal.aborted) return;
    await runCell({ options, folder, stage, vantage });
  }
}

async function runCell(context: { options: BenchOptions; folder: RunFolder; stage: Stage; vantage: VantageName }): Promise<void> {
  const { options, folder, stage, vantage } = context;
  const stageName = stage.name;
  const { plan, target, progress } = options;
  const launcher = target.launcherFor(vantage, options.runner);
  // Split in-mesh load: the one vantage a single load generator pod may not saturate.
  const runners = vantage === 'in-mesh' ? (plan.scenario.runners ?? 1) : 1;
  const runner = runners > 1 ? (launcher.distribute?.(runners) ?? createSplitRunner(launcher, runners)) : launcher;
  // The engine that runs this cell can differ by vantage (a k6 Job in a cluster): its gaps join the target's.
  if (runner.limitations?.length) folder.record.limitations = [...new Set([...(folder.record.limitations ?? []), ...runner.limitations])];
  const endpoint = target.endpoint(vantage, plan.scenario.url);
  const label = `${stageName} × ${vantage}`;
  progress.info(`    ${vantage}: ${endpoint.description}`);

  const durationSeconds = parseDuration(plan.scenario.duration) / 1000;
  const files: CellRecord['files'] = { summary: folder.cellFile(stageName, vantage, 'summary.json') };
  const prediction = predict({
    config: stage.config,
    workloads: plan.workloads,
    profile: plan.meshProfile,
    vantage,
    url: plan.scenario.url,
    headers: endpoint.headers,
    behaviour: stage.behaviour,
    requestTimeoutMs: parseDuration(plan.scenario.requestTimeout),
  });

  await target.resetProxyStats();
  await target.drainAccessLog?.();
  const startedAt = new Date().toISOString();
  const result = await runner.run({
    bundlePath: options.bundlePath,
    env: scenarioEnv({ plan, stageName, vantage, url: endpoint.url, headers: endpoint.headers, summaryPath: folder.absolute(files.summary!) }),
    tags: { plan: plan.name, stage: stageName, vantage },
    summaryPath: folder.absolute(files.summary!),
    httpProxy: endpoint.httpProxy,
    signal: options.signal,
    onProgress: (p) => progress.cellProgress(label, p, Math.round(plan.scenario.rate * durationSeconds)),
  });
  const finishedAt = new Date().toISOString();
  await storeSummary(folder, files, result);

  // The load ran: the cell is recorded even when the target cannot be read any more (its
  // process died), with the reason, and the error then stops the run.
  let collectionError: unknown;
  try {
    const stats = await target.readProxyStats();
    files.proxyStats = folder.cellFile(stageName, vantage, 'proxy-stats.json');
    await folder.writeCellFile(files.proxyStats, `${JSON.stringify(stats, null, 2)}\n`);
    if (target.drainAccessLog) {
      const entries = await target.drainAccessLog();
      files.accessLog = folder.cellFile(stageName, vantage, 'access-log.jsonl');
      await folder.writeCellFile(files.accessLog, entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : ''));
    }
  } catch (error) {
    collectionError = error;
    if (files.proxyStats && !existsSync(folder.absolute(files.proxyStats))) files.proxyStats = undefined;
    if (files.accessLog && !existsSync(folder.absolute(files.accessLog))) files.accessLog = undefined;
  }
  const collectionDetail = collectionError === undefined ? undefined : `proxy stats not collected: ${errorMessage(collectionError)}`;

  await folder.addCell({
    stage: stageName,
    vantage,
    startedAt,
    finishedAt,
    engine: result.engine,
    outcome: result.outcome,
    exitCode: result.exitCode,
    detail: [result.detail, collectionDetail].filter(Boolean).join('\n') || undefined,
    files,
    expectation: stage.expect[vantage],
    prediction,
    path: endpoint.description,
    load: { rate: plan.scenario.rate, durationSeconds },
    ...(result.distribution ? { distribution: result.distribution } : {}),
  });
  progress.cellDone(label, describeResult(result));
  if (collectionError !== undefined) throw collectionError;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const WRITE_ERRORS = new Set(['ENOSPC', 'EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'ENOENT', 'EDQUOT', 'EISDIR']);

/** A failed write to the results folder as the environment error it is (exit 3), anything else unchanged. */
function resultsNotWritable(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (error instanceof UserError || code === undefined || !WRITE_ERRORS.has(code)) return error;
  return new UserError({
    code: 'RESULTS_NOT_WRITABLE',
    message: `cannot write to the results folder ${dir} (${code}: ${errorMessage(error)}); what was written before is kept`,
    fix: 'free disk space or pick a writable folder with --results',
  });
}

function scenarioEnv(context: { plan: Plan; stageName: string; vantage: VantageName; url: string; headers?: Record<string, string>; summaryPath: string }): Record<string, string> {
  const { scenario } = context.plan;
  const env: Record<string, string> = {
    ...scenario.env,
    ENDPOINT_URL: context.url,
    RATE: String(scenario.rate),
    DURATION: scenario.duration,
    PRE_ALLOCATED_VUS: String(scenario.preAllocatedVUs),
    MAX_VUS: String(scenario.maxVUs),
    REQUEST_TIMEOUT: scenario.requestTimeout,
    STAGE: context.stageName,
    VANTAGE: context.vantage,
    SUMMARY_PATH: context.summaryPath,
  };
  if (context.headers) env.REQUEST_HEADERS = JSON.stringify(context.headers);
  return env;
}

/** The engine normally wrote the summary through handleSummary; if it only returned it, write it. */
async function storeSummary(folder: RunFolder, files: CellRecord['files'], result: RunResult): Promise<void> {
  const path = folder.absolute(files.summary!);
  if (existsSync(path)) return;
  if (result.summary) {
    await folder.writeCellFile(files.summary!, `${JSON.stringify(result.summary, null, 2)}\n`);
  } else {
    files.summary = undefined;
  }
}

function describeResult(result: RunResult): string {
  const counts = result.summary && readCounts(result.summary);
  const parts = [`${counts?.requests ?? 0} requests`];
  if (counts && counts.requests > 0) parts.push(`${((counts.failed / counts.requests) * 100).toFixed(1)}% failed`);
  if (result.outcome !== 'ok' && result.outcome !== 'thresholds-failed') parts.push(`engine: ${result.outcome}${result.detail ? ` (${result.detail})` : ''}`);
  return parts.join(', ');
}

/**
 * One embedded k6 run, start to end: load the bundle, read options from an init
 * instance, run setup, start every scenario at its startTime, watch thresholds
 * (abortOnFail every 2 s) and progress (every second), run teardown, build the summary,
 * hand it to handleSummary, and map what happened to k6's exit code.
 */
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isUserError, UserError } from '../../errors/user-error.ts';
import type { K6SummaryData } from '../../model/k6-summary.ts';
import type { RunRequest, RunResult } from '../runner.ts';
import { arrivalRate } from './executors/arrival-rate.ts';
import { constantVus, perVuIterations, rampingVus, sharedIterations } from './executors/closed-model.ts';
import { type ExecutorContext, waitOrStop } from './executors/context.ts';
import { type ExecutionTuple, executionTuple } from './execution-segment.ts';
import { GroupNode } from './group-tree.ts';
import { instantiate } from './instance.ts';
import { describeError, runIteration } from './iteration.ts';
import { loadScript, type ScriptFactory } from './loader.ts';
import { MetricRegistry } from './metrics/registry.ts';
import { evaluateThresholds, parseThresholds, type Threshold } from './metrics/thresholds.ts';
import { isThenable } from './modules/k6.ts';
import { normalizeOptions, type ScenarioConfig, type TestOptions } from './options.ts';
import type { BuiltinMetrics, RunState, StopReason } from './run-state.ts';
import { segmentScenario } from './segment-scenario.ts';
import { buildSummary } from './summary.ts';
import { writeDefaultSummary, writeSummaryOutputs } from './summary-output.ts';
import { textSummary } from './text-summary.ts';
import { type ScenarioState, Vu } from './vu.ts';
import type { RunOutcomeKind } from '../../model/k6-outcome.ts';

const EXIT_CODES: Record<RunOutcomeKind, number> = {
  ok: 0,
  'thresholds-failed': 99,
  'setup-timeout': 100,
  'teardown-timeout': 101,
  'invalid-config': 104,
  interrupted: 105,
  'script-exception': 107,
  'aborted-by-script': 108,
  'failed-by-script': 110,
  'engine-error': 1,
};
const MAX_LOGGED_ERRORS = 20;
const THRESHOLD_CHECK_MS = 2000;
const PROGRESS_MS = 1000;

export async function runEmbedded(request: RunRequest, version: string): Promise<RunResult> {
  const engine = { name: 'embedded' as const, version };
  const result = (outcome: RunOutcomeKind, detail?: string, summary?: K6SummaryData): RunResult => ({
    outcome,
    exitCode: EXIT_CODES[outcome],
    engine,
    ...(summary ? { summary } : {}),
    ...(detail ? { detail } : {}),
  });

  let factory: ScriptFactory;
  try {
    factory = await loadScript(request.bundlePath);
  } catch (error) {
    if (isUserError(error)) throw error;
    return result('script-exception', `cannot load ${request.bundlePath}: ${describeError(error)}`);
  }

  const state = createRunState(request);
  const initVu = new Vu(0, state, undefined);
  try {
    instantiate(factory, initVu);
  } catch (error) {
    return result('script-exception', `init code threw: ${describeError(error)}`);
  }

  let options: TestOptions;
  let thresholds: Threshold[];
  let tuple: ExecutionTuple | undefined;
  try {
    options = normalizeOptions(initVu.exports.options);
    // As in k6, the command line wins over the script's options.
    const scriptOptions = (initVu.exports.options ?? {}) as Record<string, unknown>;
    tuple = executionTuple(
      request.executionSegment ?? optionalString(scriptOptions.executionSegment),
      request.executionSegmentSequence ?? optionalString(scriptOptions.executionSegmentSequence),
    );
    state.options = options;
    state.runTags = { ...options.tags, ...request.tags };
    initVu.refreshTags();
    thresholds = parseThresholds(options.thresholds, state.registry);
    for (const scenario of options.scenarios) {
      if (typeof initVu.exports[scenario.exec] !== 'function') {
        throw new UserError({
          code: 'K6_INVALID_CONFIG',
          message: `scenario "${scenario.name}" runs exec "${scenario.exec}", which the script does not export as a function`,
          fix: `export function ${scenario.exec}() from the scenario, or fix exec`,
        });
      }
    }
  } catch (error) {
    if (error instanceof UserError) return result('invalid-config', `${error.code}: ${error.message}${error.fix ? ` (fix: ${error.fix})` : ''}`);
    return result('script-exception', describeError(error));
  }

  // k6 --paused: initialised, the load waits to be resumed; an abort meanwhile ends the run before it sends anything.
  if (request.startGate) await untilStartOrAbort(request.startGate, request.signal);
  return new Execution(state, factory, initVu, options, thresholds, request, tuple).run().then(({ outcome, detail, summary }) => result(outcome, detail, summary));
}

function untilStartOrAbort(startGate: () => Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    signal?.addEventListener('abort', () => resolve(), { once: true });
    startGate().then(resolve, reject);
  });
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function createRunState(request: RunRequest): RunState {
  const registry = new MetricRegistry();
  const builtin = Object.fromEntries([...registry.metrics.values()].map((m) => [m.name, m])) as unknown as BuiltinMetrics;
  const vus: Vu[] = [];
  let logged = 0;
  // k6's log prefix: whole seconds since the test started, four digits.
  const elapsedSeconds = () => String(Math.floor((performance.now() - state.startedAt) / 1000)).padStart(4, '0');
  const state: RunState & { vus: Vu[] } = {
    registry,
    builtin,
    rootGroup: new GroupNode('', ''),
    runTags: { ...request.tags },
    env: { ...request.env, SUMMARY_PATH: request.env.SUMMARY_PATH ?? request.summaryPath },
    httpProxy: request.httpProxy ? new URL(request.httpProxy) : undefined,
    bundleDir: dirname(request.bundlePath),
    startedAt: performance.now(),
    stop: new AbortController(),
    vusActive: 0,
    vusInitialized: 0,
    iterationsCompleted: 0,
    iterationsInterrupted: 0,
    vus,
    requestStop(reason: StopReason, detail: string, hard: boolean) {
      if (state.stopReason === undefined) {
        state.stopReason = reason;
        state.stopDetail = detail;
      }
      state.stop.abort();
      if (hard) for (const vu of vus) vu.interrupt.abort();
    },
    logError(message: string) {
      logged++;
      if (logged <= MAX_LOGGED_ERRORS) process.stderr.write(`ERRO[${elapsedSeconds()}] ${message}\n`);
      else if (logged === MAX_LOGGED_ERRORS + 1) process.stderr.write(`ERRO[${elapsedSeconds()}] further script errors are not shown\n`);
    },
    logWarning(message: string) {
      process.stderr.write(`WARN[${elapsedSeconds()}] ${message}\n`);
    },
  };
  return state;
}

class Execution {
  private nextVuId = 1;
  private readonly vus: Vu[];
  private setupData: unknown;

  constructor(
    private readonly state: RunState,
    private readonly factory: ScriptFactory,
    private readonly initVu: Vu,
    private readonly options: TestOptions,
    private readonly thresholds: Threshold[],
    private readonly request: RunRequest,
    private readonly tuple: ExecutionTuple | undefined,
  ) {
    this.vus = (state as RunState & { vus: Vu[] }).vus;
  }

  async run(): Promise<{ outcome: RunOutcomeKind; detail?: string; summary?: K6SummaryData }> {
    const { state, request } = this;
    const onUserAbort = () => state.requestStop('interrupted', 'interrupted by the user', false);
    if (request.signal?.aborted) onUserAbort();
    request.signal?.addEventListener('abort', onUserAbort, { once: true });
    state.startedAt = performance.now();
    const tickers = this.startTickers();
    let outcomeOverride: RunOutcomeKind | undefined;
    let detail: string | undefined;
    try {
      const setup = await this.runHook('setup', this.options.setupTimeoutMs);
      if (setup.timedOut) outcomeOverride = 'setup-timeout';
      else if (setup.error) state.requestStop('script-exception', `setup() threw: ${setup.error}`, true);
      else {
        this.setupData = setup.value === undefined ? undefined : JSON.parse(JSON.stringify(setup.value));
        this.initVu.setupData = this.setupData;
        await Promise.all(this.options.scenarios.map((config) => this.runScenario(config)));
      }
      if (state.stopReason !== 'script-exception' && outcomeOverride === undefined) {
        const teardown = await this.runHook('teardown', this.options.teardownTimeoutMs);
        if (teardown.timedOut) outcomeOverride = 'teardown-timeout';
        else if (teardown.error) state.requestStop('script-exception', `teardown() threw: ${teardown.error}`, false);
      }
    } finally {
      tickers.stop();
      request.signal?.removeEventListener('abort', onUserAbort);
    }

    const durationMs = performance.now() - state.startedAt;
    state.registry.closed = true;
    for (const vu of this.vus) vu.close();
    const failed = evaluateThresholds(this.thresholds, durationMs / 1000);
    const summary = buildSummary({
      registry: state.registry,
      thresholds: this.thresholds,
      rootGroup: state.rootGroup,
      trendStats: this.options.summaryTrendStats,
      summaryTimeUnit: this.options.summaryTimeUnit,
      testRunDurationMs: durationMs,
      setupData: this.setupData,
    });
    const summaryError = await this.handleSummary(summary);
    this.initVu.close();

    const outcome = outcomeOverride ?? this.outcome(failed.length > 0);
    if (outcome === 'thresholds-failed') detail = `thresholds crossed: ${failed.map((t) => `${t.aggregate.name} ${t.source}`).join('; ')}`;
    else if (outcome === 'failed-by-script') detail = state.failedByScript;
    else if (outcome === 'setup-timeout') detail = `setup() did not finish within ${this.options.setupTimeoutMs} ms`;
    else if (outcome === 'teardown-timeout') detail = `teardown() did not finish within ${this.options.teardownTimeoutMs} ms`;
    else if (outcome !== 'ok') detail = state.stopDetail;
    if (summaryError) detail = detail ? `${detail}; ${summaryError}` : summaryError;
    return { outcome, detail, summary };
  }

  private outcome(thresholdsFailed: boolean): RunOutcomeKind {
    const reason = this.state.stopReason;
    if (reason === 'script-exception' || reason === 'interrupted' || reason === 'aborted-by-script') return reason;
    if (thresholdsFailed || reason === 'thresholds-failed') return 'thresholds-failed';
    if (this.state.failedByScript !== undefined) return 'failed-by-script';
    return 'ok';
  }

  private async runScenario(unsplit: ScenarioConfig): Promise<void> {
    const config = segmentScenario(unsplit, this.tuple);
    if (!config) return;
    await waitOrStop(config.startTimeMs, this.state.stop.signal);
    if (this.state.stop.signal.aborted) return;
    const scenario: ScenarioState = {
      config,
      startedAt: performance.now(),
      iterationsStarted: 0,
      progress: () => scenarioProgress(config, scenario),
    };
    const ctx: ExecutorContext = {
      config,
      state: scenario,
      tuple: this.tuple,
      newVu: () => this.newVu(scenario),
      runIteration: (vu) => runIteration(vu, config.exec),
      stopSignal: this.state.stop.signal,
      dropIteration: () => this.state.registry.add(this.state.builtin.dropped_iterations, 1, { ...this.state.runTags, ...config.tags, scenario: config.name }),
      warn: (message) => this.state.logWarning(`${message}  executor=${config.executor} scenario=${config.name}`),
      activeVus: (delta) => {
        this.state.vusActive += delta;
      },
    };
    switch (config.executor) {
      case 'shared-iterations':
        return sharedIterations(ctx as ExecutorContext<typeof config>);
      case 'per-vu-iterations':
        return perVuIterations(ctx as ExecutorContext<typeof config>);
      case 'constant-vus':
        return constantVus(ctx as ExecutorContext<typeof config>);
      case 'ramping-vus':
        return rampingVus(ctx as ExecutorContext<typeof config>);
      default:
        return arrivalRate(ctx as ExecutorContext<typeof config>);
    }
  }

  /** k6 initializes each VU by running the init code in it; a throw there ends the run. */
  private newVu(scenario: ScenarioState): Vu {
    const vu = new Vu(this.nextVuId++, this.state, scenario);
    this.vus.push(vu);
    if (this.state.stop.signal.aborted && this.state.stopReason !== 'interrupted') vu.interrupt.abort();
    try {
      instantiate(this.factory, vu);
    } catch (error) {
      this.state.requestStop('script-exception', `init code threw in VU ${vu.id}: ${describeError(error)}`, true);
      vu.interrupt.abort();
    }
    vu.setupData = this.setupData === undefined ? undefined : structuredClone(this.setupData);
    this.state.vusInitialized++;
    return vu;
  }

  /**
   * setup() and teardown() run as k6 runs them: in a group of their name (so their checks
   * are `::setup::…` and `::teardown::…`), emitting iteration_duration and data_sent /
   * data_received like an iteration, but no `iterations` sample.
   */
  private async runHook(name: 'setup' | 'teardown', timeoutMs: number): Promise<{ value?: unknown; error?: string; timedOut?: boolean }> {
    const hook = this.initVu.exports[name];
    if (typeof hook !== 'function') return {};
    const { state, initVu } = this;
    const group = state.rootGroup.group(name);
    initVu.group = group;
    initVu.bytesSent = 0;
    initVu.bytesReceived = 0;
    const start = performance.now();
    const idle = new AbortController();
    let settled: { value?: unknown; error?: string; timedOut?: boolean };
    try {
      const outcome = hook.call(undefined, name === 'teardown' ? this.setupData : undefined);
      settled = isThenable(outcome)
        ? await Promise.race([Promise.resolve(outcome).then((value) => ({ value })), waitOrStop(timeoutMs, idle.signal).then(() => ({ timedOut: true }))])
        : { value: outcome };
    } catch (error) {
      settled = { error: describeError(error) };
    } finally {
      idle.abort();
      initVu.group = state.rootGroup;
    }
    if (!settled.error && !settled.timedOut) {
      const tags = { ...initVu.iterationTags, group: group.path };
      state.registry.add(state.builtin.data_sent, initVu.bytesSent, tags);
      state.registry.add(state.builtin.data_received, initVu.bytesReceived, tags);
      state.registry.add(state.builtin.iteration_duration, performance.now() - start, tags);
    }
    return settled;
  }

  /** Returns an error description when handleSummary failed (the data then goes to summaryPath). */
  private async handleSummary(summary: K6SummaryData): Promise<string | undefined> {
    const hook = this.initVu.exports.handleSummary;
    try {
      if (typeof hook !== 'function') {
        // As k6: the text summary on stdout, and no file.
        process.stdout.write(textSummary(summary));
        return undefined;
      }
      let outputs = hook.call(undefined, summary);
      if (isThenable(outputs)) outputs = await outputs;
      await writeSummaryOutputs(outputs);
      return undefined;
    } catch (error) {
      const message = `handleSummary failed: ${describeError(error)}`;
      this.state.logError(message);
      await writeDefaultSummary(this.request.summaryPath, summary);
      return message;
    }
  }

  private startTickers(): { stop(): void } {
    const { state, request } = this;
    // k6 samples vus and vus_max once a second, and only then: a run shorter than a
    // second reports neither.
    const progress = setInterval(() => {
      state.registry.add(state.builtin.vus, state.vusActive, state.runTags);
      state.registry.add(state.builtin.vus_max, state.vusInitialized, state.runTags);
      request.onProgress?.({
        elapsedMs: performance.now() - state.startedAt,
        requests: (state.builtin.http_reqs.sink as { count: number }).count,
        failed: (state.builtin.http_req_failed.sink as { passes: number }).passes,
        vus: state.vusActive,
      });
    }, PROGRESS_MS);
    const abortable = this.thresholds.filter((t) => t.abortOnFail);
    const thresholdCheck =
      abortable.length === 0
        ? undefined
        : setInterval(() => {
            const elapsedMs = performance.now() - state.startedAt;
            const failing = evaluateThresholds(abortable, elapsedMs / 1000).filter((t) => elapsedMs >= t.delayAbortEvalMs);
            if (failing.length > 0) {
              const names = failing.map((t) => `${t.aggregate.name} ${t.source}`).join('; ');
              state.requestStop('thresholds-failed', `threshold with abortOnFail crossed: ${names}`, true);
            }
          }, THRESHOLD_CHECK_MS);
    return {
      stop() {
        clearInterval(progress);
        if (thresholdCheck) clearInterval(thresholdCheck);
      },
    };
  }
}

function scenarioProgress(config: ScenarioConfig, scenario: ScenarioState): number {
  const elapsed = performance.now() - scenario.startedAt;
  switch (config.executor) {
    case 'shared-iterations':
      return Math.min(1, scenario.iterationsStarted / config.iterations);
    case 'per-vu-iterations':
      return Math.min(1, scenario.iterationsStarted / (config.iterations * config.vus));
    case 'constant-vus':
    case 'constant-arrival-rate':
      return Math.min(1, elapsed / config.durationMs);
    default:
      return Math.min(1, elapsed / config.stages.reduce((sum, s) => sum + s.durationMs, 0));
  }
}

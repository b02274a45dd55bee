/**
 * `bench [run] [plan]`: check every option, the baseline and the results folder, load and
 * lint the plan, bundle the scenario, run every stage × vantage on the target, then render
 * the reports. Everything that can be checked is checked before the target is touched.
 * Exit 0 when every cell met its expectations, 1 when one did not, 2/3 for a usage or
 * environment error, 130 on Ctrl-C (results kept, target restored).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliContext } from '../cli-context.ts';
import { findCommand } from '../command-registry.ts';
import { EXIT } from '../exit-codes.ts';
import { parseDurationOption, parseRateOption, parseRunnersOption, parseSeedOption } from '../load-options.ts';
import { parseCommandArgs, parseListOption } from '../parse-args.ts';
import { isUserError, UserError } from '../../errors/user-error.ts';
import { lintPlan } from '../../istio/lint/lint.ts';
import { MESH_PROFILES, type MeshProfile } from '../../model/istio-objects.ts';
import { withLoadOverride } from '../../plan/load-override.ts';
import { loadPlan } from '../../plan/load-plan.ts';
import { planSteps } from '../../plan/planner.ts';
import { DEFAULT_PLAN, resolvePlanPath } from '../../plan/resolve-plan.ts';
import type { VantageName } from '../../model/plan.ts';
import { loadReport } from '../../report/compare/compare.ts';
import type { Report } from '../../report/report-types.ts';
import { writeReports } from '../../report/write-reports.ts';
import { runBench } from '../../run/orchestrator.ts';
import { createProgressReporter, type ProgressReporter } from '../../run/progress.ts';
import { ensureWritableResultsDir } from '../../run/results-dir.ts';
import { printReport, reportExitCode } from '../print-report.ts';
import { parseEngineChoice, selectRunner } from '../../runners/registry.ts';
import { bundleScenario } from '../../runners/bundle-scenario.ts';
import { createTarget, parseTargetChoice, pendingRestoreText, planForTarget, propagationTimeoutFor, TARGET_OPTIONS } from '../target-choice.ts';
import { projectRoot } from '../../util/project-root.ts';
import { collectVersions } from '../../run/versions.ts';

const USAGE = findCommand('run')?.usage ?? 'bench run';
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function runCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      plan: { type: 'string' },
      stage: { type: 'string', multiple: true },
      vantage: { type: 'string', multiple: true },
      engine: { type: 'string', default: 'auto' },
      target: { type: 'string', default: 'local' },
      seed: { type: 'string' },
      profile: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      runners: { type: 'string' },
      results: { type: 'string', default: join(projectRoot, 'results') },
      baseline: { type: 'string' },
      'baseline-optional': { type: 'boolean', default: false },
      ...TARGET_OPTIONS,
    },
    USAGE,
  );
  const planName = choosePlan(values.plan as string | undefined, positionals);
  const engine = parseEngineChoice(values.engine as string);
  const targetChoice = parseTargetChoice(values);
  const profile = values.profile as MeshProfile | undefined;
  if (profile && !MESH_PROFILES.includes(profile)) {
    throw new UserError({ code: 'USAGE', message: `unknown mesh profile "${profile}"`, fix: `use one of: ${MESH_PROFILES.join(', ')}` });
  }
  const seed = parseSeedOption(values.seed as string | undefined);
  const rate = parseRateOption(values.rate as string | undefined);
  const duration = parseDurationOption(values.duration as string | undefined);
  const runners = parseRunnersOption(values.runners as string | undefined);
  const progress = createProgressReporter(process.stderr, { quiet: context.quiet, verbose: context.verbose });
  const baseline = await loadBaseline(values.baseline as string | undefined, Boolean(values['baseline-optional']), progress);
  const resultsDir = await ensureWritableResultsDir(values.results as string);

  const plan = planForTarget(await loadPlan(resolvePlanPath(planName, process.cwd())), targetChoice);
  plan.scenario = withLoadOverride(plan.scenario, { rate, duration });
  if (runners !== undefined) plan.scenario = { ...plan.scenario, runners };
  const steps = planSteps(plan, { stages: parseListOption(values.stage as string[] | undefined), vantages: parseListOption(values.vantage as string[] | undefined) as VantageName[] | undefined });
  const lint = lintPlan(plan);
  const runner = await selectRunner(engine);
  const bundlePath = await bundleScenario(plan.scenario.script);
  const versions = await collectVersions({ engine: runner });
  progress.detail?.(`versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  progress.detail?.(`load: ${plan.scenario.rate}/s for ${plan.scenario.duration} per cell, ${plan.scenario.preAllocatedVUs}–${plan.scenario.maxVUs} VUs; results in ${resultsDir}`);

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      progress.warn(`${signal} again: still restoring the target; results so far are on disk${pendingRestoreText(target)}`);
      return;
    }
    progress.warn(`${signal}: stopping the current load, keeping finished results, restoring the target…`);
    controller.abort();
  };
  const target = await createTarget(targetChoice, { seed, profile, vantages: [...new Set(steps.flatMap((s) => s.vantages))], progress });
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    const { folder, status, error } = await runBench({
      plan,
      steps,
      target,
      propagationTimeoutMs: propagationTimeoutFor(targetChoice),
      runner,
      bundlePath,
      resultsDir,
      seed,
      lint,
      versions,
      signal: controller.signal,
      progress,
    });
    let exitCode: number | undefined;
    if (existsSync(join(folder.dir, 'run.json'))) {
      const { report, files, failures } = await writeReports(folder.dir, { baselineReport: baseline });
      printReport(report, context);
      if (files.length > 0) progress.info(`reports: ${files.join(', ')}`);
      for (const failure of failures) progress.warn(`report not written: ${failure}`);
      exitCode = reportExitCode(report);
      if (failures.length > 0 && error === undefined) {
        throw new UserError({ code: 'RESULTS_NOT_WRITABLE', message: `${failures.length} report file(s) could not be written to ${folder.dir}`, fix: 'free disk space, then `bench report` the run folder again' });
      }
    }
    // The run stopped on an error: finished cells are reported above, then the error is
    // printed like any other (a user error without a stack trace, exit 2 or 3).
    if (error !== undefined && status !== 'interrupted') throw error;
    if (status === 'interrupted') return EXIT.interrupted;
    return exitCode ?? EXIT.failed;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

/** `bench run timeouts` and `bench run --plan timeouts` are the same; both at once must agree. */
function choosePlan(option: string | undefined, positionals: string[]): string {
  if (positionals.length > 1) {
    throw new UserError({ code: 'USAGE', message: `bench run takes one plan, got ${positionals.length}: ${positionals.join(' ')}`, fix: `usage: ${USAGE}` });
  }
  const positional = positionals[0];
  if (positional !== undefined && option !== undefined && positional !== option) {
    throw new UserError({ code: 'USAGE', message: `two plans given: "${positional}" and --plan "${option}"`, fix: 'name the plan once, either way' });
  }
  return positional ?? option ?? DEFAULT_PLAN;
}

/**
 * The baseline is read before any load: a missing or broken baseline found after a long
 * run would cost its reports. With --baseline-optional a missing one (a nightly job's
 * first run) is a warning; a broken one is always an error.
 */
async function loadBaseline(path: string | undefined, optional: boolean, progress: ProgressReporter): Promise<Report | undefined> {
  if (path === undefined) return undefined;
  try {
    return await loadReport(path);
  } catch (error) {
    if (optional && isUserError(error) && error instanceof UserError && error.code === 'REPORT_BASELINE_NOT_FOUND') {
      progress.warn(`no baseline at ${path} yet (--baseline-optional): this run is not compared`);
      return undefined;
    }
    throw error;
  }
}

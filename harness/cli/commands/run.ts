/**
 * `bench [run]`: load the plan, lint it, bundle the scenario, run every stage × vantage on
 * the target, then render the reports. Exit 0 when every cell met its expectations,
 * 1 when one did not, 130 on Ctrl-C (results kept, target restored).
 */
import { join } from 'node:path';
import { EXIT } from '../exit-codes.ts';
import { parseCommandArgs, parseIntegerOption, parseListOption } from '../parse-args.ts';
import { UserError } from '../../errors/user-error.ts';
import { lintPlan } from '../../istio/lint/lint.ts';
import { MESH_PROFILES, type MeshProfile } from '../../model/istio-objects.ts';
import { loadPlan } from '../../plan/load-plan.ts';
import { planSteps } from '../../plan/planner.ts';
import { DEFAULT_PLAN, resolvePlanPath } from '../../plan/resolve-plan.ts';
import type { VantageName } from '../../model/plan.ts';
import { writeReports } from '../../report/write-reports.ts';
import { runBench } from '../../run/orchestrator.ts';
import { createProgressReporter } from '../../run/progress.ts';
import { printReport, reportExitCode } from '../print-report.ts';
import { ENGINE_CHOICES, parseEngineChoice, selectRunner } from '../../runners/registry.ts';
import { bundleScenario } from '../../scenarios/bundle-scenario.ts';
import { LocalTarget } from '../../targets/local/local-target.ts';
import { projectRoot } from '../../util/project-root.ts';
import { collectVersions } from '../../run/versions.ts';

export const RUN_USAGE =
  `npm run bench -- [--plan <name|file>] [--stage a,b] [--vantage in-mesh,external] [--engine ${ENGINE_CHOICES.join('|')}] [--target local] [--seed N] [--profile istio-1.24+|istio-1.22] [--rate N] [--duration 10s] [--results dir] [--baseline report.json|run-dir]`;

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      plan: { type: 'string', default: DEFAULT_PLAN },
      stage: { type: 'string', multiple: true },
      vantage: { type: 'string', multiple: true },
      engine: { type: 'string', default: 'auto' },
      target: { type: 'string', default: 'local' },
      seed: { type: 'string' },
      profile: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      results: { type: 'string', default: join(projectRoot, 'results') },
      baseline: { type: 'string' },
    },
    RUN_USAGE,
  );
  const engine = parseEngineChoice(values.engine as string);
  if (values.target !== 'local') {
    throw new UserError({ code: 'TARGET_UNSUPPORTED', message: `target "${values.target}" is not available in this version`, fix: 'use --target local (the embedded mesh)' });
  }
  const profile = values.profile as MeshProfile | undefined;
  if (profile && !MESH_PROFILES.includes(profile)) {
    throw new UserError({ code: 'USAGE', message: `unknown mesh profile "${profile}"`, fix: `use one of: ${MESH_PROFILES.join(', ')}` });
  }
  const seed = parseIntegerOption(values.seed as string | undefined, 'seed', 1);

  const plan = await loadPlan(resolvePlanPath(values.plan as string, process.cwd()));
  if (values.rate !== undefined) plan.scenario.rate = parseIntegerOption(values.rate as string, 'rate', plan.scenario.rate);
  if (values.duration !== undefined) plan.scenario.duration = values.duration as string;
  const steps = planSteps(plan, { stages: parseListOption(values.stage as string[] | undefined), vantages: parseListOption(values.vantage as string[] | undefined) as VantageName[] | undefined });
  const lint = lintPlan(plan);
  const runner = await selectRunner(engine);
  const bundlePath = await bundleScenario(plan.scenario.script);
  const versions = await collectVersions({ engine: runner });

  const progress = createProgressReporter();
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      progress.warn('still restoring the target; results so far are on disk');
      return;
    }
    progress.warn('interrupted: stopping the current load, keeping finished results, restoring the target…');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { folder, status, error } = await runBench({
      plan,
      steps,
      target: new LocalTarget({ seed, profile }),
      runner,
      bundlePath,
      resultsDir: values.results as string,
      seed,
      lint,
      versions,
      signal: controller.signal,
      progress,
    });
    const { report, files } = await writeReports(folder.dir, { baseline: values.baseline as string | undefined });
    printReport(report);
    progress.info(`reports: ${files.join(', ')}`);
    // The run stopped on an error: finished cells are reported above, then the error is
    // printed like any other (a user error without a stack trace, exit 2).
    if (error !== undefined && status !== 'interrupted') throw error;
    if (status === 'interrupted') return EXIT.interrupted;
    return reportExitCode(report);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

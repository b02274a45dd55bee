/**
 * `bench mesh up [--plan p] [--stage s] [--seed N]`: start the local mesh with a stage's
 * configuration in the foreground, print each vantage's URL, and stop cleanly on Ctrl-C.
 * For poking at a configuration by hand with curl or any client.
 */
import { EXIT } from '../exit-codes.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { UserError } from '../../errors/user-error.ts';
import { lintPlan } from '../../istio/lint/lint.ts';
import { runMeshForeground } from '../../mesh/process/foreground.ts';
import { loadPlan } from '../../plan/load-plan.ts';
import { planSteps } from '../../plan/planner.ts';
import { DEFAULT_PLAN, resolvePlanPath } from '../../plan/resolve-plan.ts';
import { formatFinding } from '../print-finding.ts';
import { findCommand } from '../command-registry.ts';
import { parseSeedOption } from '../load-options.ts';
import { sanitizeTerminal } from '../../util/terminal-text.ts';

const USAGE = `${findCommand('mesh')?.usage ?? 'bench mesh up'}   (or: npm run mesh -- ...)`;

export async function meshCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'up') {
    throw new UserError({ code: 'USAGE', message: action === undefined ? 'bench mesh needs an action' : `unknown mesh action "${action}"`, fix: `usage: ${USAGE}` });
  }
  const { values } = parseCommandArgs(rest, { plan: { type: 'string', default: DEFAULT_PLAN }, stage: { type: 'string' }, seed: { type: 'string' } }, USAGE);
  const plan = await loadPlan(resolvePlanPath(values.plan as string, process.cwd()));
  const stageName = (values.stage as string | undefined) ?? plan.stages.at(-1)?.name;
  const [step] = planSteps(plan, { stages: stageName ? [stageName] : [] });
  if (!step) throw new UserError({ code: 'PLAN_NO_STAGES', message: `plan ${plan.name} has no stages`, location: { file: plan.file }, fix: 'add a stage under spec.stages' });
  const log = (line: string) => process.stdout.write(`${sanitizeTerminal(line)}\n`);
  for (const finding of lintPlan(plan).filter((f) => f.stage === step.stage.name)) log(formatFinding(finding));
  log(`plan ${plan.name}, stage ${step.stage.name} (${plan.meshProfile}); Ctrl-C stops the mesh`);
  await runMeshForeground({
    seed: parseSeedOption(values.seed as string | undefined),
    profile: plan.meshProfile,
    workloads: plan.workloads,
    config: step.stage.config,
    behaviour: step.stage.behaviour,
    url: plan.scenario.url,
    log,
  });
  return EXIT.ok;
}

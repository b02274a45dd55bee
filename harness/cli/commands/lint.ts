/**
 * `bench lint <plan> [--strict]`: load and validate a plan (YAML and Istio fields, with
 * file:line errors) and run the config linter over every stage, without starting
 * anything. Exit 0 when clean, 1 on lint errors (and warnings with --strict), 2 when the
 * plan itself is invalid.
 */
import { EXIT } from '../exit-codes.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { UserError } from '../../errors/user-error.ts';
import { hasBlockingFindings, lintPlan } from '../../istio/lint/lint.ts';
import { loadPlan } from '../../plan/load-plan.ts';
import { DEFAULT_PLAN, resolvePlanPath } from '../../plan/resolve-plan.ts';
import { printFinding } from '../print-finding.ts';
import type { CliContext } from '../cli-context.ts';
import { findCommand } from '../command-registry.ts';

const USAGE = findCommand('lint')?.usage ?? 'bench lint';

export async function lintCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { strict: { type: 'boolean', default: false } }, USAGE);
  if (positionals.length > 1) {
    throw new UserError({ code: 'USAGE', message: 'bench lint takes one plan', fix: `usage: ${USAGE}` });
  }
  const plan = await loadPlan(resolvePlanPath(positionals[0] ?? DEFAULT_PLAN, process.cwd()));
  const findings = lintPlan(plan);
  const exitCode = hasBlockingFindings(findings, { strict: values.strict as boolean }) ? EXIT.failed : EXIT.ok;
  if (context.json) {
    process.stdout.write(`${JSON.stringify({ ok: exitCode === EXIT.ok, plan: plan.name, file: plan.file, stages: plan.stages.length, findings }, null, 2)}\n`);
    return exitCode;
  }
  if (!context.quiet) for (const finding of findings) printFinding(finding);
  const counts = (['error', 'warning', 'info'] as const).map((s) => `${findings.filter((f) => f.severity === s).length} ${s}(s)`);
  process.stdout.write(`${plan.name}: ${plan.stages.length} stage(s) valid; lint: ${counts.join(', ')}\n`);
  return exitCode;
}

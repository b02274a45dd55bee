/**
 * `bench lint <plan> [--strict]`: load and validate a plan (YAML and Istio fields, with
 * file:line errors) and run the config linter over every stage, without starting
 * anything. Exit 0 when clean, 1 on lint errors (and warnings with --strict), 2 when the
 * plan itself is invalid.
 */
import { EXIT } from '../cli/exit-codes.ts';
import { parseCommandArgs } from '../cli/parse-args.ts';
import { formatLocation, UserError } from '../errors.ts';
import { hasBlockingFindings, lintPlan } from '../istio/lint.ts';
import type { LintFinding } from '../istio/lint-finding.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { resolvePlanPath } from '../plan/resolve-plan.ts';
import { DEFAULT_PLAN } from './run.ts';

const USAGE = 'npm run bench -- lint [<plan name|file>] [--strict]';

export async function lintCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { strict: { type: 'boolean', default: false } }, USAGE);
  if (positionals.length > 1) {
    throw new UserError({ code: 'USAGE', message: 'bench lint takes one plan', fix: `usage: ${USAGE}` });
  }
  const plan = await loadPlan(resolvePlanPath(positionals[0] ?? DEFAULT_PLAN, process.cwd()));
  const findings = lintPlan(plan);
  for (const finding of findings) process.stdout.write(`${formatFinding(finding)}\n`);
  const counts = (['error', 'warning', 'info'] as const).map((s) => `${findings.filter((f) => f.severity === s).length} ${s}(s)`);
  process.stdout.write(`${plan.name}: ${plan.stages.length} stage(s) valid; lint: ${counts.join(', ')}\n`);
  return hasBlockingFindings(findings, { strict: values.strict as boolean }) ? EXIT.failed : EXIT.ok;
}

export function formatFinding(finding: LintFinding): string {
  const where = [formatLocation(finding.location), finding.stage && `stage ${finding.stage}`].filter(Boolean).join(', ');
  const head = `${finding.severity} ${finding.code}${where ? ` (${where})` : ''}: ${finding.message}`;
  return finding.fix ? `${head}\n  fix: ${finding.fix}` : head;
}

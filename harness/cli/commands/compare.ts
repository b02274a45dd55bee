/**
 * `bench compare <baseline> <current>`: per stage × vantage, is the change in error rate
 * significant or within noise, and did latency move beyond the tolerance? Exit 1 on a
 * significant regression.
 */
import { EXIT } from '../exit-codes.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { UserError } from '../../errors/user-error.ts';
import { compareReports, loadReport } from '../../report/compare/compare.ts';
import { renderComparisonTerminal } from '../../report/render/render-comparison.ts';
import type { CliContext } from '../cli-context.ts';
import { findCommand } from '../command-registry.ts';

const USAGE = findCommand('compare')?.usage ?? 'bench compare';

export async function compareCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { alpha: { type: 'string' }, 'latency-tolerance': { type: 'string' } }, USAGE);
  if (positionals.length !== 2) {
    throw new UserError({ code: 'USAGE', message: 'bench compare takes two runs: the baseline and the current one', fix: `usage: ${USAGE}` });
  }
  const alpha = fraction(values.alpha as string | undefined, 'alpha');
  const latencyTolerance = fraction(values['latency-tolerance'] as string | undefined, 'latency-tolerance');
  const [baseline, current] = await Promise.all(positionals.map((p) => loadReport(p)));
  const comparison = compareReports(baseline, current, { alpha, latencyTolerance });
  if (context.json) process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else process.stdout.write(`${renderComparisonTerminal(comparison, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR })}\n`);
  return comparison.regressed ? EXIT.failed : EXIT.ok;
}

function fraction(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!(parsed > 0 && parsed < 1)) {
    throw new UserError({ code: 'USAGE', message: `--${name} must be a number between 0 and 1, got "${value}"`, fix: `e.g. --${name} 0.05` });
  }
  return parsed;
}

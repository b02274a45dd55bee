/**
 * `bench report <run-dir> [--baseline <report.json|run-dir>]`: render a run's reports
 * again (also an interrupted run) and print the table. Exit 0 when every cell met its
 * expectations and no significant regression was found, 1 otherwise.
 */
import { EXIT } from '../cli/exit-codes.ts';
import { parseCommandArgs } from '../cli/parse-args.ts';
import { UserError } from '../errors.ts';
import { renderComparisonTerminal } from '../report/render-comparison.ts';
import type { Report } from '../report/report-types.ts';
import { renderTerminal } from '../report/render-terminal.ts';
import { writeReports } from '../report/write-reports.ts';

const USAGE = 'npm run bench -- report <run-dir> [--baseline <report.json|run-dir>]';

export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { baseline: { type: 'string' } }, USAGE);
  if (positionals.length !== 1) {
    throw new UserError({ code: 'USAGE', message: 'bench report takes exactly one run folder', fix: `usage: ${USAGE}` });
  }
  const { report, files } = await writeReports(positionals[0], { baseline: values.baseline as string | undefined });
  printReport(report);
  process.stderr.write(`reports: ${files.join(', ')}\n`);
  return reportExitCode(report);
}

export function printReport(report: Report): void {
  const color = Boolean(process.stdout.isTTY);
  process.stdout.write(`\n${renderTerminal(report, { color })}\n`);
  if (report.comparison) process.stdout.write(`\n${renderComparisonTerminal(report.comparison, { color })}\n`);
}

export function reportExitCode(report: Report): number {
  return report.passed && !report.comparison?.regressed ? EXIT.ok : EXIT.failed;
}

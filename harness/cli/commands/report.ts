/**
 * `bench report <run-dir> [--baseline <report.json|run-dir>]`: render a run's reports
 * again (also an interrupted run) and print the table. Exit 0 when every cell met its
 * expectations and no significant regression was found, 1 otherwise.
 */
import { parseCommandArgs } from '../parse-args.ts';
import { UserError } from '../../errors/user-error.ts';
import { writeReports } from '../../report/write-reports.ts';
import { printReport, reportExitCode } from '../print-report.ts';
import type { CliContext } from '../cli-context.ts';
import { findCommand } from '../command-registry.ts';

const USAGE = findCommand('report')?.usage ?? 'bench report';

export async function reportCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { baseline: { type: 'string' } }, USAGE);
  if (positionals.length !== 1) {
    throw new UserError({ code: 'USAGE', message: 'bench report takes exactly one run folder', fix: `usage: ${USAGE}` });
  }
  const { report, files, failures } = await writeReports(positionals[0], { baseline: values.baseline as string | undefined });
  printReport(report, context);
  if (!context.quiet && files.length > 0) process.stderr.write(`reports: ${files.join(', ')}\n`);
  if (failures.length > 0) {
    throw new UserError({ code: 'RESULTS_NOT_WRITABLE', message: `report file(s) not written: ${failures.join('; ')}`, fix: 'free disk space or make the run folder writable, then run `bench report` again' });
  }
  return reportExitCode(report);
}

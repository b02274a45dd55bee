/**
 * `bench report <run-dir> [--baseline <report.json|run-dir>]`: render a run's reports
 * again (also an interrupted run) and print the table. Exit 0 when every cell met its
 * expectations and no significant regression was found, 1 otherwise.
 */
import { parseCommandArgs } from '../parse-args.ts';
import { UserError } from '../../errors/user-error.ts';
import { writeReports } from '../../report/write-reports.ts';
import { printReport, reportExitCode } from '../print-report.ts';

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

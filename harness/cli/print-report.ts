/** The report on stdout (the table, its headline alone with --quiet, or JSON), and the exit code a report means. */
import { renderTerminal } from '../report/render/render-terminal.ts';
import type { Report } from '../report/report-types.ts';
import type { CliContext } from './cli-context.ts';
import { EXIT } from './exit-codes.ts';
import { sanitizeTerminal } from '../util/terminal-text.ts';

export function printReport(report: Report, context: Partial<CliContext> = {}): void {
  if (context.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  if (context.quiet) {
    process.stdout.write(`${sanitizeTerminal(report.headline)}${report.comparison?.regressed ? ' (regressed against the baseline)' : ''}\n`);
    return;
  }
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  // renderTerminal includes the comparison with the baseline, when there is one.
  process.stdout.write(`\n${renderTerminal(report, { color })}\n`);
}

export function reportExitCode(report: Report): number {
  return report.passed && !report.comparison?.regressed ? EXIT.ok : EXIT.failed;
}

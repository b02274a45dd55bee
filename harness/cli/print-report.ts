/** The report's terminal table (and comparison) on stdout, and the exit code a report means. */
import { renderComparisonTerminal } from '../report/render/render-comparison.ts';
import { renderTerminal } from '../report/render/render-terminal.ts';
import type { Report } from '../report/report-types.ts';
import { EXIT } from './exit-codes.ts';

export function printReport(report: Report): void {
  const color = Boolean(process.stdout.isTTY);
  process.stdout.write(`\n${renderTerminal(report, { color })}\n`);
  if (report.comparison) process.stdout.write(`\n${renderComparisonTerminal(report.comparison, { color })}\n`);
}

export function reportExitCode(report: Report): number {
  return report.passed && !report.comparison?.regressed ? EXIT.ok : EXIT.failed;
}

/**
 * The compact terminal view: headline, one row per stage × vantage, then one line per
 * thing that needs attention. Colour only when asked (the CLI asks when stdout is a TTY
 * and NO_COLOR is unset); columns are padded before colouring so escapes never skew them.
 */
import { sanitizeTerminal } from './escape.ts';
import { renderComparisonTerminal } from './render-comparison.ts';
import {
  cellTitle,
  formatErrorRate,
  formatExpectation,
  formatLatencyTriple,
  formatMeasured,
  formatStatusCodes,
  VERDICT_LABEL,
} from './format.ts';
import type { CellReport, Report, Verdict } from '../report-types.ts';
import { renderTable } from './text-table.ts';

type Paint = (code: string, text: string) => string;

const VERDICT_COLOUR: Record<Verdict, string> = {
  'as-configured': '32',
  deviates: '33',
  'expectation-failed': '1;31',
  'not-modelled': '2',
  'not-run': '1;31',
};

function painter(color: boolean): Paint {
  return color ? (code, text) => `\u001B[${code}m${text}\u001B[0m` : (_code, text) => text;
}

/** Every column is sanitised: a run folder read by `bench report` may have been edited by hand. */
export function cellRow(cell: CellReport): string[] {
  return [
    cell.stage,
    cell.vantage,
    formatMeasured(cell.requests),
    formatErrorRate(cell),
    formatStatusCodes(cell),
    formatLatencyTriple(cell),
    formatExpectation(cell),
    VERDICT_LABEL[cell.verdict] ?? String(cell.verdict),
  ].map((text) => sanitizeTerminal(String(text)));
}

export const TABLE_HEADER = ['stage', 'vantage', 'requests', 'error rate [95% CI]', 'status codes', 'p50 / p95 / p99', 'expected', 'verdict'];

export function renderTerminal(report: Report, options: { color: boolean }): string {
  const paint = painter(options.color);
  const out: string[] = [];
  out.push(paint(report.passed ? '1;32' : '1;31', sanitizeTerminal(report.headline)));
  out.push(paint('2', sanitizeTerminal(`plan ${report.plan.name} · run ${report.runId} · ${report.options.target} · ${report.fingerprint.engines.join(', ')} · ${report.plan.meshProfile}`)));
  out.push('');
  const header = TABLE_HEADER.map((title) => (title === 'error rate [95% CI]' ? `error rate [${Math.round(report.confidence * 100)}% CI]` : title));
  out.push(
    ...renderTable(
      header,
      report.cells.map((cell) => ({
        cells: cellRow(cell),
        paint: (column, padded) => (column === 7 ? paint(VERDICT_COLOUR[cell.verdict], padded) : padded),
      })),
    ),
  );

  const notes: string[] = [];
  for (const cell of report.cells) {
    if (cell.verdict === 'as-configured' || cell.verdict === 'not-modelled') continue;
    const title = sanitizeTerminal(cellTitle(cell));
    for (const reason of cell.verdictReasons) notes.push(`${paint(VERDICT_COLOUR[cell.verdict], '✗')} ${title}: ${sanitizeTerminal(reason)}`);
    for (const cause of cell.likelyCauses) notes.push(`  ↳ ${cause.code}: ${sanitizeTerminal(cause.message)} (${sanitizeTerminal(cause.evidence)})`);
  }
  for (const missing of report.missingCells) notes.push(`${paint('1;31', '✗')} ${sanitizeTerminal(cellTitle(missing))}: not reached (run ${sanitizeTerminal(String(report.status))})`);
  const lintErrors = report.stages.flatMap((stage) => stage.lint.filter((finding) => finding.severity === 'error'));
  const lintWarnings = report.stages.flatMap((stage) => stage.lint.filter((finding) => finding.severity === 'warning'));
  if (lintErrors.length || lintWarnings.length) notes.push(`lint: ${lintErrors.length} error(s), ${lintWarnings.length} warning(s) (see report.md)`);
  if (report.error) notes.push(`run error: ${sanitizeTerminal(report.error)}`);
  for (const limitation of report.limitations) notes.push(paint('2', `limitation: ${sanitizeTerminal(limitation)}`));
  if (notes.length) out.push('', ...notes);
  if (report.comparison) out.push('', renderComparisonTerminal(report.comparison, options).trimEnd());
  return `${out.join('\n')}\n`;
}

/**
 * Renders a baseline comparison for the terminal and for Markdown. Only changes worth a
 * look are listed row by row (significant ones); noise is summarised in one count.
 */
import { escapeMarkdown, sanitizeTerminal } from './escape.ts';
import { cellTitle, formatMs, formatPercent } from './format.ts';
import type { Comparison, MetricChange } from '../report-types.ts';
import { renderTable } from './text-table.ts';

function formatValue(change: MetricChange, value: number): string {
  return change.metric.startsWith('latencyMs.') ? formatMs(value) : formatPercent(value);
}

function formatDelta(change: MetricChange): string {
  const sign = change.delta > 0 ? '+' : change.delta < 0 ? '−' : '±';
  const magnitude = change.metric.startsWith('latencyMs.') ? formatMs(Math.abs(change.delta)) : `${(Math.abs(change.delta) * 100).toFixed(2)} pt`;
  const relative = change.relative !== undefined && Number.isFinite(change.relative) ? ` (${change.relative >= 0 ? '+' : '−'}${Math.abs(change.relative * 100).toFixed(0)}%)` : '';
  return `${sign}${magnitude}${relative}`;
}

function metricLabel(metric: string): string {
  if (metric === 'errorRate') return 'error rate';
  if (metric === 'networkErrorRate') return 'network error rate';
  return metric.replace('latencyMs.', 'latency ');
}

function significantRows(comparison: Comparison) {
  return comparison.cells.flatMap((cell) =>
    cell.changes.filter((change) => change.significance === 'significant').map((change) => ({ cell, change })),
  );
}

export function comparisonHeadline(comparison: Comparison): string {
  const rows = significantRows(comparison);
  const regressed = rows.filter((row) => row.change.direction === 'regressed').length;
  const improved = rows.filter((row) => row.change.direction === 'improved').length;
  const noise = comparison.cells.reduce((n, cell) => n + cell.changes.filter((c) => c.significance === 'within-noise').length, 0);
  const verdict = comparison.regressed ? 'REGRESSED' : 'NO REGRESSION';
  return `${verdict} vs baseline ${comparison.baselineRunId}: ${regressed} regression(s), ${improved} improvement(s), ${noise} change(s) within noise`;
}

export function renderComparisonTerminal(comparison: Comparison, options: { color: boolean }): string {
  const paint = (code: string, text: string) => (options.color ? `\u001B[${code}m${text}\u001B[0m` : text);
  const out = [paint(comparison.regressed ? '1;31' : '1;32', sanitizeTerminal(comparisonHeadline(comparison)))];
  for (const warning of comparison.warnings) out.push(paint('33', `warning: ${sanitizeTerminal(warning)}`));
  const rows = significantRows(comparison);
  if (rows.length) {
    out.push('');
    out.push(
      ...renderTable(
        ['stage / vantage', 'metric', 'baseline', 'current', 'change', 'p', 'direction'],
        rows.map(({ cell, change }) => ({
          cells: [
            sanitizeTerminal(cellTitle(cell)),
            metricLabel(change.metric),
            formatValue(change, change.baseline),
            formatValue(change, change.current),
            formatDelta(change),
            change.pValue === undefined ? '-' : change.pValue.toPrecision(2),
            change.direction,
          ],
          paint: (column, padded) => (column === 6 ? paint(change.direction === 'regressed' ? '31' : '32', padded) : padded),
        })),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

export function renderComparisonMarkdown(comparison: Comparison): string {
  const out = [`### ${comparison.regressed ? '❌' : '✅'} ${escapeMarkdown(comparisonHeadline(comparison))}`, ''];
  for (const warning of comparison.warnings) out.push(`> ⚠️ ${escapeMarkdown(warning)}`, '');
  out.push(
    `Rates: two-proportion z-test, Holm-adjusted, family-wise α = ${comparison.alpha}. Latency: significant beyond ±${Math.round(comparison.latencyTolerance * 100)}% and ${comparison.latencyFloorMs} ms.`,
    '',
  );
  const rows = comparison.cells.flatMap((cell) => cell.changes.map((change) => ({ cell, change })));
  if (rows.length) {
    out.push('| stage / vantage | metric | baseline | current | change | p | result |', '|---|---|---|---|---|---|---|');
    for (const { cell, change } of rows) {
      const result = change.significance === 'significant' ? `**${change.direction}**` : 'within noise';
      out.push(
        `| ${escapeMarkdown(cellTitle(cell))} | ${metricLabel(change.metric)} | ${formatValue(change, change.baseline)} | ${formatValue(change, change.current)} | ${formatDelta(change)} | ${change.pValue === undefined ? '-' : change.pValue.toPrecision(2)} | ${result} |`,
      );
    }
    out.push('');
  }
  const skipped = comparison.cells.flatMap((cell) => cell.skipped.map((reason) => `${cellTitle(cell)}: ${reason}`));
  if (skipped.length) out.push('Not compared:', '', ...skipped.map((line) => `- ${escapeMarkdown(line)}`), '');
  if (comparison.onlyInCurrent.length) out.push(`New in this run: ${comparison.onlyInCurrent.map((c) => escapeMarkdown(cellTitle(c))).join(', ')}`, '');
  return `${out.join('\n')}\n`;
}

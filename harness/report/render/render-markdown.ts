/**
 * Markdown for a PR comment or a CI job summary: headline verdict first, the table, then
 * per-stage details folded away, lint findings, limitations and the baseline comparison.
 * Every user-controlled string goes through escapeMarkdown (GitHub renders inline HTML).
 */
import { cellDetails } from './cell-details.ts';
import { escapeMarkdown } from './escape.ts';
import { formatErrorRate, formatExpectation, formatLatencyTriple, formatMeasured, formatMs, formatStatusCodes, VERDICT_LABEL } from './format.ts';
import { renderComparisonMarkdown } from './render-comparison.ts';
import type { CellReport, Report } from '../report-types.ts';
import { formatLocation } from '../../errors/user-error.ts';

const VERDICT_ICON: Record<CellReport['verdict'], string> = {
  'as-configured': '✅',
  deviates: '⚠️',
  'expectation-failed': '❌',
  'not-modelled': '➖',
  'not-run': '❌',
};

function cellRow(cell: CellReport): string {
  const cells = [
    escapeMarkdown(cell.stage),
    cell.vantage,
    formatMeasured(cell.requests),
    formatErrorRate(cell),
    formatStatusCodes(cell),
    formatLatencyTriple(cell),
    escapeMarkdown(formatExpectation(cell)),
    `${VERDICT_ICON[cell.verdict]} ${VERDICT_LABEL[cell.verdict]}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`## ${report.passed ? '✅' : '❌'} ${escapeMarkdown(report.headline)}`, '');
  out.push(
    `Plan **${escapeMarkdown(report.plan.name)}** · run \`${escapeMarkdown(report.runId)}\` · target ${escapeMarkdown(report.options.target)} · engine ${escapeMarkdown(report.fingerprint.engines.join(', '))} · mesh profile ${escapeMarkdown(report.plan.meshProfile)} · status **${report.status}**`,
    '',
  );
  if (report.error) out.push(`> **Run error:** ${escapeMarkdown(report.error)}`, '');

  const ci = Math.round(report.confidence * 100);
  out.push(`| stage | vantage | requests | error rate [${ci}% CI] | status codes | p50 / p95 / p99 | expected | verdict |`);
  out.push('|---|---|--:|---|---|---|---|---|');
  for (const cell of report.cells) out.push(cellRow(cell));
  for (const missing of report.missingCells) out.push(`| ${escapeMarkdown(missing.stage)} | ${missing.vantage} | – | – | – | – | – | ❌ not reached |`);
  out.push('');

  const attention = report.cells.filter((cell) => cell.verdict !== 'as-configured' && cell.verdict !== 'not-modelled');
  if (attention.length) {
    out.push('### Needs attention', '');
    for (const cell of attention) {
      out.push(`- **${escapeMarkdown(cell.stage)} / ${cell.vantage}** (${VERDICT_LABEL[cell.verdict]})`);
      for (const reason of cell.verdictReasons) out.push(`  - ${escapeMarkdown(reason)}`);
      for (const cause of cell.likelyCauses) out.push(`  - likely: \`${cause.code}\` ${escapeMarkdown(cause.message)} (${escapeMarkdown(cause.evidence)})`);
    }
    out.push('');
  }

  out.push('### Stages', '');
  for (const stage of report.stages) {
    const cells = report.cells.filter((cell) => cell.stage === stage.name);
    const propagation = stage.propagationMs !== undefined ? `, config v${stage.configVersion ?? '?'} propagated in ${formatMs(stage.propagationMs)}` : '';
    out.push(`<details><summary><b>${escapeMarkdown(stage.name)}</b>${stage.description ? `: ${escapeMarkdown(stage.description)}` : ''}${propagation}</summary>`, '');
    if (stage.configFiles.length) out.push(`Config: ${stage.configFiles.map((file) => `\`${escapeMarkdown(file)}\``).join(', ')}`, '');
    for (const cell of cells) {
      out.push(`#### ${escapeMarkdown(stage.name)} / ${cell.vantage}: ${VERDICT_ICON[cell.verdict]} ${VERDICT_LABEL[cell.verdict]}`, '');
      for (const row of cellDetails(cell)) out.push(`- **${escapeMarkdown(row.label)}**: ${escapeMarkdown(row.value)}`);
      out.push('');
    }
    if (cells.length === 0) out.push('_No cell of this stage ran._', '');
    out.push('</details>', '');
  }

  const findings = report.stages.flatMap((stage) => stage.lint.map((finding) => ({ stage: stage.name, finding })));
  if (findings.length) {
    out.push('### Lint findings', '', '| severity | code | stage | where | message | fix |', '|---|---|---|---|---|---|');
    for (const { stage, finding } of findings) {
      out.push(
        `| ${finding.severity} | ${escapeMarkdown(finding.code)} | ${escapeMarkdown(finding.stage ?? stage)} | ${escapeMarkdown(formatLocation(finding.location))} | ${escapeMarkdown(finding.message)} | ${escapeMarkdown(finding.fix ?? '')} |`,
      );
    }
    out.push('');
  }

  if (report.limitations.length) {
    out.push('### Limitations', '', ...report.limitations.map((limitation) => `- ${escapeMarkdown(limitation)}`), '');
  }
  if (report.comparison) out.push('### Compared with baseline', '', renderComparisonMarkdown(report.comparison));
  return `${out.join('\n').trimEnd()}\n`;
}

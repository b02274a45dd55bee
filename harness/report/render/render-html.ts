/**
 * One self-contained HTML file: inline CSS and inline SVG charts, no script, no font or
 * image from anywhere. A Content-Security-Policy forbids any load, so even a string that
 * slipped past escaping could neither run nor phone home. Every user-controlled string
 * (stage names, descriptions, lint messages, paths) goes through escapeHtml.
 */
import { formatLocation } from '../../errors/user-error.ts';
import { cellDetails } from './cell-details.ts';
import { escapeHtml } from './escape.ts';
import { cellTitle, formatErrorRate, formatExpectation, formatLatencyTriple, formatMeasured, formatMs, formatPercent, formatStatusCodes, VERDICT_LABEL } from './format.ts';
import { errorRateChart, latencyChart } from './html-charts.ts';
import { comparisonHeadline } from './render-comparison.ts';
import type { Comparison, Report } from '../report-types.ts';

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111827; background: #f9fafb; margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 10px; border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.banner { padding: 14px 18px; border-radius: 8px; margin-bottom: 16px; border: 1px solid; }
.banner.passed { background: #ecfdf5; border-color: #6ee7b7; }
.banner.failed { background: #fef2f2; border-color: #fca5a5; }
.meta { color: #4b5563; font-size: 13px; }
.meta span + span::before { content: " · "; color: #9ca3af; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { border: 1px solid #e5e7eb; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
td.stage { overflow-wrap: anywhere; max-width: 240px; }
.verdict { font-weight: 600; white-space: nowrap; padding: 1px 6px; border-radius: 4px; }
.v-as-configured { color: #065f46; background: #d1fae5; }
.v-deviates { color: #92400e; background: #fef3c7; }
.v-expectation-failed, .v-not-run { color: #991b1b; background: #fee2e2; }
.v-not-modelled { color: #374151; background: #e5e7eb; }
.charts { display: flex; flex-wrap: wrap; gap: 20px; }
figure { margin: 0; background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px; max-width: 100%; overflow-x: auto; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg.chart { font: 12px system-ui, sans-serif; display: block; }
svg .grid { stroke: #e5e7eb; }
svg .tick, svg .legend-note { fill: #6b7280; font-size: 11px; }
svg .stage-label { font-weight: 600; fill: #111827; }
svg .whisker { stroke: #111827; stroke-width: 1.2; }
svg .span { stroke-width: 3; stroke-opacity: 0.5; }
svg .max-tick { stroke-width: 2; }
svg .value { fill: #374151; font-size: 11px; }
svg .na { fill: #9ca3af; font-style: italic; }
details { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; margin: 8px 0; padding: 8px 12px; }
summary { cursor: pointer; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0 12px; }
dt { color: #4b5563; }
dd { margin: 0; overflow-wrap: anywhere; }
ul.reasons { margin: 4px 0 0; padding-left: 18px; }
.sev-error { color: #991b1b; font-weight: 600; }
.sev-warning { color: #92400e; font-weight: 600; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
footer { color: #9ca3af; font-size: 12px; margin-top: 32px; }
`;

const e = escapeHtml;

function verdictBadge(verdict: keyof typeof VERDICT_LABEL): string {
  return `<span class="verdict v-${verdict}">${e(VERDICT_LABEL[verdict])}</span>`;
}

function summaryTable(report: Report): string {
  const rows = report.cells.map(
    (cell) => `<tr data-stage="${e(cell.stage)}" data-vantage="${e(cell.vantage)}">
<td class="stage">${e(cell.stage)}</td><td class="nowrap">${e(cell.vantage)}</td><td class="num">${e(formatMeasured(cell.requests))}</td>
<td class="num">${e(formatErrorRate(cell))}</td><td>${e(formatStatusCodes(cell))}</td><td class="num">${e(formatLatencyTriple(cell))}</td>
<td>${e(formatExpectation(cell))}</td><td>${verdictBadge(cell.verdict)}</td></tr>`,
  );
  const missing = report.missingCells.map(
    (cell) => `<tr><td class="stage">${e(cell.stage)}</td><td>${e(cell.vantage)}</td><td colspan="5" class="meta">not reached (run ${e(report.status)})</td><td>${verdictBadge('not-run')}</td></tr>`,
  );
  return `<table class="summary"><thead><tr><th>stage</th><th>vantage</th><th>requests</th><th>error rate [${Math.round(report.confidence * 100)}% CI]</th><th>status codes</th><th>p50 / p95 / p99</th><th>expected</th><th>verdict</th></tr></thead>
<tbody>${[...rows, ...missing].join('\n')}</tbody></table>`;
}

function attention(report: Report): string {
  const cells = report.cells.filter((cell) => cell.verdict !== 'as-configured' && cell.verdict !== 'not-modelled');
  if (cells.length === 0) return '';
  const items = cells.map(
    (cell) => `<li><b>${e(cellTitle(cell))}</b> ${verdictBadge(cell.verdict)}<ul class="reasons">${cell.verdictReasons.map((r) => `<li>${e(r)}</li>`).join('')}${cell.likelyCauses
      .map((cause) => `<li>likely <code>${e(cause.code)}</code>: ${e(cause.message)} <span class="meta">(${e(cause.evidence)})</span></li>`)
      .join('')}</ul></li>`,
  );
  return `<h2>Needs attention</h2><ul>${items.join('')}</ul>`;
}

function stageDetails(report: Report): string {
  return report.stages
    .map((stage) => {
      const cells = report.cells.filter((cell) => cell.stage === stage.name);
      const propagation = stage.propagationMs !== undefined ? ` · config v${stage.configVersion ?? '?'} propagated in ${formatMs(stage.propagationMs)}` : '';
      const body = cells
        .map(
          (cell) =>
            `<h3>${e(cell.vantage)} ${verdictBadge(cell.verdict)}</h3><dl>${cellDetails(cell)
              .map((row) => `<dt>${e(row.label)}</dt><dd>${e(row.value)}</dd>`)
              .join('')}</dl>`,
        )
        .join('');
      const files = stage.configFiles.length ? `<p class="meta">config: ${stage.configFiles.map((f) => `<code>${e(f)}</code>`).join(', ')}</p>` : '';
      return `<details><summary>${e(stage.name)}${stage.description ? ` <span class="meta">— ${e(stage.description)}</span>` : ''}<span class="meta">${e(propagation)}</span></summary>${files}${body || '<p class="meta">No cell of this stage ran.</p>'}</details>`;
    })
    .join('\n');
}

function lintSection(report: Report): string {
  const findings = report.stages.flatMap((stage) => stage.lint.map((finding) => ({ stage: stage.name, finding })));
  if (findings.length === 0) return '';
  const rows = findings.map(
    ({ stage, finding }) =>
      `<tr><td class="sev-${e(finding.severity)}">${e(finding.severity)}</td><td><code>${e(finding.code)}</code></td><td class="stage">${e(finding.stage ?? stage)}</td><td>${e(formatLocation(finding.location))}</td><td>${e(finding.message)}</td><td>${e(finding.fix ?? '')}</td></tr>`,
  );
  return `<h2>Lint findings</h2><table><thead><tr><th>severity</th><th>code</th><th>stage</th><th>where</th><th>message</th><th>fix</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function comparisonSection(comparison: Comparison): string {
  const rows = comparison.cells.flatMap((cell) =>
    cell.changes.map((change) => {
      const latency = change.metric.startsWith('latencyMs.');
      const value = (v: number) => (latency ? formatMs(v) : formatPercent(v));
      const result = change.significance === 'significant' ? `<b>${e(change.direction)}</b>` : 'within noise';
      return `<tr><td class="stage">${e(cellTitle(cell))}</td><td>${e(change.metric)}</td><td class="num">${value(change.baseline)}</td><td class="num">${value(change.current)}</td><td class="num">${change.pValue === undefined ? '–' : change.pValue.toPrecision(2)}</td><td>${result}</td></tr>`;
    }),
  );
  const warnings = comparison.warnings.map((w) => `<li>${e(w)}</li>`).join('');
  return `<h2>Compared with baseline</h2><div class="banner ${comparison.regressed ? 'failed' : 'passed'}">${e(comparisonHeadline(comparison))}</div>${warnings ? `<ul>${warnings}</ul>` : ''}<table><thead><tr><th>stage / vantage</th><th>metric</th><th>baseline</th><th>current</th><th>p (Holm)</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderHtml(report: Report): string {
  const meta = [
    `plan <b>${e(report.plan.name)}</b>`,
    `run <code>${e(report.runId)}</code>`,
    `status ${e(report.status)}`,
    `target ${e(report.options.target)}`,
    `engine ${e(report.fingerprint.engines.join(', '))}`,
    `mesh profile ${e(report.plan.meshProfile)}`,
    `started ${e(report.startedAt)}`,
  ]
    .map((item) => `<span>${item}</span>`)
    .join('');
  const limitations = report.limitations.length ? `<h2>Limitations</h2><ul>${report.limitations.map((l) => `<li>${e(l)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${report.plan.name}: ${report.headline}`)}</title>
<style>${CSS}</style>
</head>
<body><main>
<div class="banner ${report.passed ? 'passed' : 'failed'}"><h1>${e(report.headline)}</h1><div class="meta">${meta}</div>${report.error ? `<p><b>Run error:</b> ${e(report.error)}</p>` : ''}</div>
${report.plan.description ? `<p>${e(report.plan.description)}</p>` : ''}
${summaryTable(report)}
<h2>Charts</h2>
<div class="charts">
<figure id="error-rate-chart"><figcaption>Error rate per stage: in-mesh vs external side by side</figcaption>${errorRateChart(report.cells, report.confidence) || '<p class="meta">No cell ran.</p>'}</figure>
<figure id="latency-chart"><figcaption>Latency percentiles</figcaption>${latencyChart(report.cells) || '<p class="meta">No cell ran.</p>'}</figure>
</div>
${attention(report)}
<h2>Stages</h2>
${stageDetails(report)}
${lintSection(report)}
${limitations}
${report.comparison ? comparisonSection(report.comparison) : ''}
<footer>${e(report.schema)} · plan hash <code>${e(report.fingerprint.planHash)}</code></footer>
</main></body>
</html>
`;
}

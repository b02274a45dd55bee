/**
 * Inline SVG charts for the HTML report, as strings: no script, no external resource.
 * Both charts are horizontal (one row per stage × vantage, vantages of a stage next to
 * each other) so long stage names stay readable and in-mesh vs external sit side by side.
 * Every row is a `<g class="cell-mark">` carrying its stage and vantage, one per cell.
 */
import { escapeHtml } from './escape.ts';
import { formatMs, formatPercent } from './format.ts';
import type { CellReport } from '../report-types.ts';

export const VANTAGE_COLOURS: Record<string, string> = { 'in-mesh': '#2563eb', external: '#ea580c', gateway: '#15803d' };
const FALLBACK_COLOUR = '#6b7280';
const WIDTH = 760;
const LABEL_WIDTH = 230;
const RIGHT_PAD = 90;
const ROW = 22;
const STAGE_GAP = 10;
const TOP = 30;
const PLOT = WIDTH - LABEL_WIDTH - RIGHT_PAD;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function colourOf(vantage: string): string {
  return VANTAGE_COLOURS[vantage] ?? FALLBACK_COLOUR;
}

/** Rows grouped by stage, in report order, with a y position each. */
function layoutRows(cells: CellReport[]): { cell: CellReport; y: number; firstOfStage: boolean }[] {
  const rows: { cell: CellReport; y: number; firstOfStage: boolean }[] = [];
  let y = TOP;
  let previousStage: string | undefined;
  for (const cell of cells) {
    const first = cell.stage !== previousStage;
    if (first && previousStage !== undefined) y += STAGE_GAP;
    rows.push({ cell, y, firstOfStage: first });
    y += ROW;
    previousStage = cell.stage;
  }
  return rows;
}

function sortedByStage(cells: CellReport[]): CellReport[] {
  const order = new Map<string, number>();
  cells.forEach((cell) => {
    if (!order.has(cell.stage)) order.set(cell.stage, order.size);
  });
  return [...cells].sort((a, b) => (order.get(a.stage) ?? 0) - (order.get(b.stage) ?? 0));
}

function rowLabel(row: { cell: CellReport; y: number; firstOfStage: boolean }): string {
  const stage = row.firstOfStage
    ? `<text class="stage-label" x="4" y="${row.y + 14}"><title>${escapeHtml(row.cell.stage)}</title>${escapeHtml(truncate(row.cell.stage, 22))}</text>`
    : '';
  return `${stage}<text class="vantage-label" x="${LABEL_WIDTH - 8}" y="${row.y + 14}" text-anchor="end" fill="${colourOf(row.cell.vantage)}">${escapeHtml(row.cell.vantage)}</text>`;
}

function markAttributes(cell: CellReport): string {
  return `class="cell-mark" data-stage="${escapeHtml(cell.stage)}" data-vantage="${escapeHtml(cell.vantage)}"`;
}

function legend(vantages: string[], y: number): string {
  return vantages
    .map((vantage, index) => {
      const x = LABEL_WIDTH + index * 110;
      return `<rect x="${x}" y="${y}" width="12" height="12" fill="${colourOf(vantage)}"/><text x="${x + 16}" y="${y + 10}">${escapeHtml(vantage)}</text>`;
    })
    .join('');
}

/** Smallest "nice" axis maximum that holds `value` (error rates are often tiny). */
export function niceRateMax(value: number): number {
  for (const candidate of [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1]) if (value <= candidate) return candidate;
  return 1;
}

export function errorRateChart(cells: CellReport[], confidence: number): string {
  if (cells.length === 0) return '';
  const ordered = sortedByStage(cells);
  const rows = layoutRows(ordered);
  const maxUpper = Math.max(0, ...ordered.map((cell) => cell.errorRate.value?.upper ?? 0));
  const axisMax = niceRateMax(maxUpper);
  const x = (rate: number) => LABEL_WIDTH + (rate / axisMax) * PLOT;
  const height = (rows.at(-1)?.y ?? TOP) + ROW + 40;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * axisMax);
  const grid = ticks
    .map((t) => `<line class="grid" x1="${x(t)}" y1="${TOP - 4}" x2="${x(t)}" y2="${height - 36}"/><text class="tick" x="${x(t)}" y="${TOP - 10}" text-anchor="middle">${formatPercent(t).replace('.00', '')}</text>`)
    .join('');
  const marks = rows
    .map((row) => {
      const { cell, y } = row;
      const estimate = cell.errorRate.value;
      if (!estimate) {
        const reason = cell.errorRate.value === null ? cell.errorRate.reason : '';
        return `<g ${markAttributes(cell)}>${rowLabel(row)}<text class="na" x="${LABEL_WIDTH + 4}" y="${y + 14}"><title>${escapeHtml(reason)}</title>n/a: ${escapeHtml(truncate(reason, 60))}</text></g>`;
      }
      const colour = colourOf(cell.vantage);
      const whisker = `<line class="whisker" x1="${x(estimate.lower)}" y1="${y + 9}" x2="${x(estimate.upper)}" y2="${y + 9}"/><line class="whisker" x1="${x(estimate.lower)}" y1="${y + 4}" x2="${x(estimate.lower)}" y2="${y + 14}"/><line class="whisker" x1="${x(estimate.upper)}" y1="${y + 4}" x2="${x(estimate.upper)}" y2="${y + 14}"/>`;
      const title = `${cell.stage} / ${cell.vantage}: ${formatPercent(estimate.rate)} (${Math.round(confidence * 100)}% CI ${formatPercent(estimate.lower)} – ${formatPercent(estimate.upper)}), ${estimate.count}/${estimate.total}`;
      return `<g ${markAttributes(cell)}><title>${escapeHtml(title)}</title>${rowLabel(row)}<rect class="bar" x="${LABEL_WIDTH}" y="${y + 3}" width="${Math.max(0, x(estimate.rate) - LABEL_WIDTH)}" height="12" fill="${colour}"/>${whisker}<text class="value" x="${Math.min(x(estimate.upper), LABEL_WIDTH + PLOT) + 6}" y="${y + 13}">${formatPercent(estimate.rate)}</text></g>`;
    })
    .join('');
  const vantages = [...new Set(ordered.map((cell) => cell.vantage))];
  return `<svg class="chart" role="img" aria-label="Error rate per stage and vantage with ${Math.round(confidence * 100)}% confidence intervals" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">${grid}${marks}${legend(vantages, height - 22)}<text class="legend-note" x="${LABEL_WIDTH + vantages.length * 110}" y="${height - 12}">whiskers: ${Math.round(confidence * 100)}% Wilson interval</text></svg>`;
}

const LATENCY_POINTS = [
  { key: 'p50', radius: 4, shade: 1 },
  { key: 'p95', radius: 4, shade: 0.7 },
  { key: 'p99', radius: 4, shade: 0.45 },
] as const;

export function latencyChart(cells: CellReport[]): string {
  if (cells.length === 0) return '';
  const ordered = sortedByStage(cells);
  const rows = layoutRows(ordered);
  const values = ordered.flatMap((cell) => (['p50', 'p95', 'p99', 'max'] as const).map((key) => cell.latencyMs[key].value).filter((v): v is number => v !== null && v > 0));
  const maxValue = Math.max(1, ...values);
  const minValue = Math.min(maxValue, ...values);
  // A log axis when latencies span more than 20×, so a 2 ms p50 and a 5 s max both show.
  const log = maxValue / Math.max(minValue, 0.01) > 20;
  const logMin = Math.log10(Math.max(0.1, minValue / 2));
  const logMax = Math.log10(maxValue * 1.1);
  const x = (ms: number) =>
    log ? LABEL_WIDTH + ((Math.log10(Math.max(ms, 10 ** logMin)) - logMin) / (logMax - logMin)) * PLOT : LABEL_WIDTH + (ms / (maxValue * 1.1)) * PLOT;
  const height = (rows.at(-1)?.y ?? TOP) + ROW + 40;
  const ticks = log
    ? [0.1, 1, 10, 100, 1000, 10000, 100000].filter((t) => Math.log10(t) >= logMin && Math.log10(t) <= logMax)
    : [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxValue * 1.1);
  const grid = ticks
    .map((t) => `<line class="grid" x1="${x(t)}" y1="${TOP - 4}" x2="${x(t)}" y2="${height - 36}"/><text class="tick" x="${x(t)}" y="${TOP - 10}" text-anchor="middle">${formatMs(t)}</text>`)
    .join('');
  const marks = rows
    .map((row) => {
      const { cell, y } = row;
      const { p50, p99, max } = cell.latencyMs;
      if (p50.value === null) {
        return `<g ${markAttributes(cell)}>${rowLabel(row)}<text class="na" x="${LABEL_WIDTH + 4}" y="${y + 14}">n/a: ${escapeHtml(truncate(p50.reason, 60))}</text></g>`;
      }
      const colour = colourOf(cell.vantage);
      const end = p99.value ?? p50.value;
      const span = `<line class="span" x1="${x(p50.value)}" y1="${y + 9}" x2="${x(end)}" y2="${y + 9}" stroke="${colour}"/>`;
      const maxTick = max.value !== null ? `<line class="max-tick" x1="${x(max.value)}" y1="${y + 3}" x2="${x(max.value)}" y2="${y + 15}" stroke="${colour}"/>` : '';
      const points = LATENCY_POINTS.map(({ key, radius, shade }) => {
        const value = cell.latencyMs[key].value;
        return value === null ? '' : `<circle class="point ${key}" cx="${x(value)}" cy="${y + 9}" r="${radius}" fill="${colour}" fill-opacity="${shade}"/>`;
      }).join('');
      const summary = (['p50', 'p90', 'p95', 'p99', 'max'] as const)
        .map((key) => `${key} ${cell.latencyMs[key].value === null ? 'n/a' : formatMs(cell.latencyMs[key].value as number)}`)
        .join(', ');
      return `<g ${markAttributes(cell)}><title>${escapeHtml(`${cell.stage} / ${cell.vantage}: ${summary}`)}</title>${rowLabel(row)}${span}${maxTick}${points}<text class="value" x="${Math.min(x(max.value ?? end), LABEL_WIDTH + PLOT) + 8}" y="${y + 13}">${p99.value !== null ? `p99 ${formatMs(p99.value)}` : `p50 ${formatMs(p50.value)}`}</text></g>`;
    })
    .join('');
  const legendY = height - 22;
  const keyItems = `<circle cx="${LABEL_WIDTH + 6}" cy="${legendY + 6}" r="4" fill="#374151"/><text x="${LABEL_WIDTH + 14}" y="${legendY + 10}">p50</text><circle cx="${LABEL_WIDTH + 56}" cy="${legendY + 6}" r="4" fill="#374151" fill-opacity="0.7"/><text x="${LABEL_WIDTH + 64}" y="${legendY + 10}">p95</text><circle cx="${LABEL_WIDTH + 106}" cy="${legendY + 6}" r="4" fill="#374151" fill-opacity="0.45"/><text x="${LABEL_WIDTH + 114}" y="${legendY + 10}">p99</text><line x1="${LABEL_WIDTH + 160}" y1="${legendY}" x2="${LABEL_WIDTH + 160}" y2="${legendY + 12}" stroke="#374151" stroke-width="2"/><text x="${LABEL_WIDTH + 166}" y="${legendY + 10}">max${log ? ' · log scale' : ''}</text>`;
  return `<svg class="chart" role="img" aria-label="Latency percentiles per stage and vantage" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">${grid}${marks}${keyItems}</svg>`;
}

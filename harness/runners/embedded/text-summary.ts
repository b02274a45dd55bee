/**
 * The end-of-test text summary k6 prints on stdout when the script has no handleSummary:
 * the group and check tree, then one line per metric (sorted by name, sub-metrics under
 * their metric), in k6 v0.49's layout (test/fixtures/k6-0.49/more/no-handle-summary.stdout):
 *
 *      ✗ is 200
 *       ↳  50% — ✓ 17559 / ✗ 17559
 *
 *      checks.........................: 50.00% ✓ 17559        ✗ 17559
 *      http_req_duration..............: avg=137.65µs min=29.07µs med=80.04µs …
 *        { expected_response:true }...: avg=137.67µs …
 *      http_reqs......................: 35118  11704.627582/s
 *
 * Names are padded with dots to a common width; trend columns, the first value of other
 * metrics and their extra columns are each padded to the widest in the summary.
 */
import type { K6SummaryData, SummaryGroup, SummaryMetric } from '../../model/k6-summary.ts';

const INDENT = '     ';
const PASS = '✓';
const FAIL = '✗';

export function textSummary(data: K6SummaryData): string {
  const lines = ['', ...groupLines(data.root_group, INDENT), ...metricLines(data)];
  return `${lines.join('\n')}\n\n`;
}

function groupLines(group: SummaryGroup, indent: string): string[] {
  const out: string[] = [];
  let inner = indent;
  if (group.name !== '') {
    out.push(`${indent}█ ${group.name}`, '');
    inner = `${indent}  `;
  }
  for (const check of group.checks) {
    if (check.fails === 0) {
      out.push(`${inner}${PASS} ${check.name}`);
    } else {
      const share = Math.floor((100 * check.passes) / (check.passes + check.fails));
      out.push(`${inner}${FAIL} ${check.name}`, `${inner} ↳  ${share}% — ${PASS} ${check.passes} / ${FAIL} ${check.fails}`);
    }
  }
  if (group.checks.length > 0) out.push('');
  for (const child of group.groups) out.push(...groupLines(child, inner));
  return out;
}

interface Row {
  name: string;
  /** Shown name: a sub-metric as `  { tag:value }`. */
  label: string;
  metric: SummaryMetric;
}

function metricLines(data: K6SummaryData): string[] {
  const rows: Row[] = Object.entries(data.metrics)
    .map(([name, metric]) => ({ name, label: label(name), metric }))
    .sort((a, b) => compareNames(a.name, b.name));
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((r) => r.label.length)) + 3;
  const stats = data.options.summaryTrendStats;
  const timeUnit = data.options.summaryTimeUnit;

  const trendCells = new Map<string, string[]>();
  const trendWidths = stats.map(() => 0);
  const firstCells = new Map<string, string>();
  const extraCells = new Map<string, string[]>();
  let firstWidth = 0;
  const extraWidths = [0, 0];
  for (const { name, metric } of rows) {
    const values = metric.values as Record<string, number>;
    if (metric.type === 'trend') {
      const cells = stats.map((stat) => (stat === 'count' ? String(values[stat]) : humanize(values[stat], metric, timeUnit)));
      cells.forEach((cell, i) => {
        trendWidths[i] = Math.max(trendWidths[i], cell.length);
      });
      trendCells.set(name, cells);
      continue;
    }
    const [first, ...extras] = nonTrendCells(metric, timeUnit);
    firstCells.set(name, first);
    firstWidth = Math.max(firstWidth, first.length);
    extras.forEach((cell, i) => {
      extraWidths[i] = Math.max(extraWidths[i] ?? 0, cell.length);
    });
    extraCells.set(name, extras);
  }

  const out = rows.map(({ name, label: shown, metric }) => {
    const thresholds = Object.values(metric.thresholds ?? {});
    const prefix = thresholds.length === 0 ? INDENT : `${INDENT.slice(2)}${thresholds.every((t) => t.ok) ? PASS : FAIL} `;
    const head = `${prefix}${shown}${'.'.repeat(width - shown.length)}: `;
    const cells = trendCells.get(name);
    if (cells) return head + cells.map((cell, i) => `${stats[i]}=${cell}${' '.repeat(trendWidths[i] - cell.length)}`).join(' ');
    const first = firstCells.get(name) ?? '';
    const extras = extraCells.get(name) ?? [];
    let text = first + ' '.repeat(firstWidth - first.length);
    if (extras.length === 1) text += ` ${extras[0]}`;
    else if (extras.length > 1) text += ` ${extras.map((cell, i) => cell + ' '.repeat(extraWidths[i] - cell.length)).join(' ')}`;
    return head + text;
  });
  return out;
}

function label(name: string): string {
  const brace = name.indexOf('{');
  return brace < 0 ? name : `  { ${name.slice(brace + 1, -1)} }`;
}

/** By metric name, each sub-metric right after its metric. */
function compareNames(a: string, b: string): number {
  const [pa, pb] = [a.split('{')[0], b.split('{')[0]];
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function nonTrendCells(metric: SummaryMetric, timeUnit: string): string[] {
  const values = metric.values as Record<string, number>;
  switch (metric.type) {
    case 'counter':
      return [humanize(values.count, metric, timeUnit), `${humanize(values.rate, metric, timeUnit)}/s`];
    case 'gauge':
      return [humanize(values.value, metric, timeUnit), `min=${humanize(values.min, metric, timeUnit)}`, `max=${humanize(values.max, metric, timeUnit)}`];
    case 'rate':
      return [humanize(values.rate, metric, timeUnit), `${PASS} ${values.passes}`, `${FAIL} ${values.fails}`];
    default:
      return [''];
  }
}

function humanize(value: number, metric: SummaryMetric, timeUnit: string): string {
  if (metric.type === 'rate') return `${(Math.trunc(value * 10_000) / 100).toFixed(2)}%`;
  if (metric.contains === 'data') return humanizeBytes(value);
  if (metric.contains === 'time') return humanizeDuration(value, timeUnit);
  return noTrailingZeros(value, 6);
}

/** Decimal units, one decimal below 10 (`6.9 MB`, `960 kB`). */
function humanizeBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  if (bytes < 10) return `${bytes} B`;
  const exponent = Math.min(units.length - 1, Math.floor(Math.log(bytes) / Math.log(1000)));
  const scaled = Math.floor((bytes / 1000 ** exponent) * 10 + 0.5) / 10;
  return `${scaled.toFixed(scaled < 10 ? 1 : 0)} ${units[exponent]}`;
}

/** Milliseconds as k6 shows them: `805ns`, `137.65µs`, `7.74ms`, `1.5s`, `1m30s`, or in `summaryTimeUnit`. */
function humanizeDuration(ms: number, timeUnit: string): string {
  const fixed: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (timeUnit in fixed) return `${noTrailingZeros(ms / fixed[timeUnit], 2)}${timeUnit === 'us' ? 'µs' : timeUnit}`;
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${Math.trunc(ms * 1_000_000)}ns`;
  if (ms < 1) return `${noTrailingZeros(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${noTrailingZeros(ms, 2)}ms`;
  let text = `${noTrailingZeros((ms % 60_000) / 1000, ms > 60_000 ? 0 : 2)}s`;
  let rest = Math.trunc(ms / 60_000);
  if (rest < 1) return text;
  text = `${rest % 60}m${text}`;
  rest = Math.trunc(rest / 60);
  return rest < 1 ? text : `${rest}h${text}`;
}

function noTrailingZeros(value: number, digits: number): string {
  return String(Number.parseFloat(value.toFixed(digits)));
}

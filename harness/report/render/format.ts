/**
 * Number and label formatting shared by every renderer, so the terminal, Markdown, HTML
 * and JUnit outputs print the same value the same way.
 */
import type { CellReport, Measured, ProportionEstimate, Verdict } from '../report-types.ts';

/** "12.34%": two decimals, since error rates near 0 % matter. */
export function formatPercent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

export function formatProportion(estimate: ProportionEstimate): string {
  return `${formatPercent(estimate.rate)} [${formatPercent(estimate.lower)}, ${formatPercent(estimate.upper)}]`;
}

export function formatMs(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)}s`;
  if (value >= 100) return `${value.toFixed(0)}ms`;
  return `${value.toFixed(1)}ms`;
}

/** A measured value, or "n/a" (the reason is shown where there is room for it). */
export function formatMeasured(measured: Measured, format: (value: number) => string = String): string {
  return measured.value === null ? 'n/a' : format(measured.value);
}

export function formatErrorRate(cell: CellReport): string {
  return cell.errorRate.value === null ? 'n/a' : formatProportion(cell.errorRate.value);
}

/** "200×120 500×30", listed statuses only, by count descending. */
export function formatStatusCodes(cell: CellReport): string {
  const byStatus = cell.failures.byStatus.value;
  if (!byStatus) return 'n/a';
  const parts = Object.entries(byStatus)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([status, count]) => `${status}×${count}`);
  const unlisted = cell.failures.unlistedStatus.value;
  if (unlisted) parts.push(`other×${unlisted}`);
  return parts.length ? parts.join(' ') : '-';
}

export function formatLatencyTriple(cell: CellReport): string {
  const { p50, p95, p99 } = cell.latencyMs;
  if (p50.value === null && p95.value === null && p99.value === null) return 'n/a';
  return [p50, p95, p99].map((m) => formatMeasured(m, formatMs)).join(' / ');
}

/** The plan's bounds in one short line: "err ≤ 5.00%, p95 ≤ 200ms". */
export function formatExpectation(cell: CellReport): string {
  const e = cell.expectation;
  if (!e) return '-';
  const parts: string[] = [];
  const rate = (label: string, bounds?: { min?: number; max?: number }) => {
    if (bounds?.min !== undefined) parts.push(`${label} ≥ ${formatPercent(bounds.min)}`);
    if (bounds?.max !== undefined) parts.push(`${label} ≤ ${formatPercent(bounds.max)}`);
  };
  rate('err', e.errorRate);
  rate('net', e.networkErrorRate);
  for (const [key, limit] of Object.entries(e.latencyMs ?? {})) {
    if (typeof limit === 'number') parts.push(`${key} ≤ ${formatMs(limit)}`);
  }
  return parts.length ? parts.join(', ') : '-';
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  'as-configured': 'as configured',
  deviates: 'deviates',
  'expectation-failed': 'EXPECTATION FAILED',
  'not-modelled': 'not modelled',
  'not-run': 'NOT RUN',
};

export function cellTitle(cell: { stage: string; vantage: string }): string {
  return `${cell.stage} / ${cell.vantage}`;
}

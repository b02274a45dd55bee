/**
 * The per-cell details every long-form renderer shows (Markdown, HTML), as plain-text
 * label/value pairs. Renderers escape them for their format; one list keeps the formats
 * saying the same thing.
 */
import { REQUEST_TIMEOUT_CODE } from '../../model/k6-error-codes.ts';
import { envoyStatName, PROXY_COUNTER_NAMES } from '../build/proxy-counters.ts';
import { formatMeasured, formatMs, formatPercent, formatProportion } from './format.ts';
import type { CellReport, Measured } from '../report-types.ts';
import { describePredictionCheck } from '../build/verdict.ts';

export interface DetailRow {
  label: string;
  value: string;
}

function measuredWithReason(measured: Measured, format: (value: number) => string = String): string {
  if (measured.value === null) return `n/a (${measured.reason})`;
  return measured.source ? `${format(measured.value)} (${measured.source})` : format(measured.value);
}

function record(measured: Measured<Record<string, number>>): string {
  if (measured.value === null) return `n/a (${measured.reason})`;
  const entries = Object.entries(measured.value).filter(([, count]) => count > 0);
  return entries.length ? entries.map(([key, count]) => `${key}: ${count}`).join(', ') : 'none';
}

export function cellDetails(cell: CellReport): DetailRow[] {
  const rows: DetailRow[] = [];
  const add = (label: string, value: string) => rows.push({ label, value });
  add('path', cell.path);
  add('engine', `${cell.engine.name} ${cell.engine.version}, outcome ${cell.outcome} (exit ${cell.exitCode})${cell.detail ? `: ${cell.detail}` : ''}`);
  add('execution', cell.execution);
  add('requests', measuredWithReason(cell.requests));
  add('error rate', cell.errorRate.value === null ? `n/a (${cell.errorRate.reason})` : formatProportion(cell.errorRate.value));
  add('network error rate', cell.networkErrorRate.value === null ? `n/a (${cell.networkErrorRate.reason})` : formatProportion(cell.networkErrorRate.value));
  add('statuses', record(cell.failures.byStatus));
  add('status classes', record(cell.failures.byStatusClass));
  const f = cell.failures;
  add(
    'failures by cause',
    [
      `timeouts (${REQUEST_TIMEOUT_CODE}) ${formatMeasured(f.timeouts)}`,
      `connection failures ${formatMeasured(f.connectionFailures)}`,
      `injected aborts ${formatMeasured(f.injectedAborts)}`,
      `overflow 503 ${formatMeasured(f.overflow503)}`,
      `no healthy upstream ${formatMeasured(f.noHealthyUpstream)}`,
    ].join(' · '),
  );
  const unmeasuredCauses = (['timeouts', 'connectionFailures', 'injectedAborts', 'overflow503', 'noHealthyUpstream'] as const)
    .map((name) => f[name])
    .filter((m): m is { value: null; reason: string } => m.value === null)
    .map((m) => m.reason);
  if (unmeasuredCauses.length) add('not measured', [...new Set(unmeasuredCauses)].join('; '));
  add(
    'latency',
    (['avg', 'p50', 'p90', 'p95', 'p99', 'max'] as const).map((key) => `${key} ${formatMeasured(cell.latencyMs[key], formatMs)}`).join(' · '),
  );
  add(
    'load',
    `target ${cell.load.targetRate}/s for ${cell.load.targetDurationSeconds}s, achieved ${formatMeasured(cell.load.achievedRate, (v) => `${v.toFixed(1)}/s`)} (${formatMeasured(cell.load.achievedRatio, formatPercent)}), dropped iterations ${formatMeasured(cell.load.droppedIterations)}`,
  );
  if (cell.proxy.available) {
    const counters = PROXY_COUNTER_NAMES.map((name) => `${envoyStatName(name)} ${formatMeasured(cell.proxy.counters[name])}`).join(' · ');
    add('proxy counters', `${counters}${cell.proxy.clusters.length ? ` (clusters: ${cell.proxy.clusters.join(', ')})` : ''}`);
  } else {
    add('proxy counters', `n/a (${cell.proxy.reason})`);
  }
  if (cell.accessLog.available) {
    const flags = Object.entries(cell.accessLog.flags).map(([flag, count]) => `${flag} ${count}`);
    add('access log', `${cell.accessLog.entries} entries${flags.length ? `; flags ${flags.join(', ')}` : ''}${cell.accessLog.skippedLines ? `; ${cell.accessLog.skippedLines} malformed lines skipped` : ''}`);
  } else {
    add('access log', `n/a (${cell.accessLog.reason})`);
  }
  if (cell.prediction) {
    add('prediction', `${cell.prediction.modelled ? cell.prediction.formula : 'not modelled'}${cell.prediction.notes.length ? ` — ${cell.prediction.notes.join('; ')}` : ''}`);
    for (const check of cell.predictionChecks) add('model check', describePredictionCheck(check));
  }
  for (const check of cell.checks) add(check.passed ? 'expectation met' : 'expectation FAILED', check.message);
  for (const cause of cell.likelyCauses) add(`likely cause: ${cause.code}`, `${cause.message} (${cause.evidence})`);
  return rows;
}

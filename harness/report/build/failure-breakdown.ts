/**
 * Splits a cell's failures by cause from the three sources a run records: the k6
 * summary's status / error-code breakdown, the access log's response flags, and the proxy
 * counters. Each cause says where its number came from, or why there is none.
 */
import type { AccessLogSummary, FailureBreakdown, Measured, ProxyCountersReport } from '../report-types.ts';
import type { SummaryCounts } from '../../model/k6-summary-counts.ts';
import { CONNECTION_ERROR_CODES, REQUEST_TIMEOUT_CODE } from '../../model/k6-error-codes.ts';


export function statusClass(status: string): string {
  if (status === '0') return 'network';
  const code = Number(status);
  return Number.isInteger(code) && code >= 100 && code < 600 ? `${Math.floor(code / 100)}xx` : 'other';
}

function fromFlagOrCounter(
  accessLog: AccessLogSummary,
  flag: string,
  counter: Measured,
  counterName: string,
): Measured {
  if (accessLog.available) return { value: accessLog.flags[flag] ?? 0, source: `access log flag ${flag}` };
  if (counter.value !== null) return { value: counter.value, source: `proxy counter ${counterName}` };
  return { value: null, reason: `no access log (${accessLog.reason}) and ${counterName} not measured (${counter.reason})` };
}

export function buildFailureBreakdown(options: {
  counts?: SummaryCounts;
  summaryReason?: string;
  proxy: ProxyCountersReport;
  accessLog: AccessLogSummary;
}): FailureBreakdown {
  const { counts, proxy, accessLog } = options;
  const noSummary: Measured<never> = { value: null, reason: options.summaryReason ?? 'no k6 summary' };
  const noBreakdown = (what: string): Measured<never> => ({
    value: null,
    reason: `the summary carries no http_reqs{${what}:...} sub-metrics (the scenario must export breakdownThresholds)`,
  });

  const byStatus = counts ? (counts.byStatus ? { value: { ...counts.byStatus } } : noBreakdown('status')) : noSummary;
  const byErrorCode = counts ? (counts.byErrorCode ? { value: counts.byErrorCode } : noBreakdown('error_code')) : noSummary;

  let byStatusClass: Measured<Record<string, number>> = byStatus.value === null ? byStatus : { value: {} };
  let unlistedStatus: Measured = byStatus.value === null ? byStatus : { value: 0 };
  if (byStatus.value !== null && counts) {
    const classes: Record<string, number> = {};
    let listed = 0;
    for (const [status, count] of Object.entries(byStatus.value)) {
      listed += count;
      if (count === 0) continue;
      const cls = statusClass(status);
      classes[cls] = (classes[cls] ?? 0) + count;
    }
    byStatusClass = { value: classes };
    unlistedStatus = { value: Math.max(0, counts.requests - listed) };
  }

  const code = (c: string): number => (byErrorCode.value === null ? 0 : (byErrorCode.value[c] ?? 0));
  const connectionByCode: Measured<Record<string, number>> =
    byErrorCode.value === null ? byErrorCode : { value: Object.fromEntries(CONNECTION_ERROR_CODES.map((c) => [c, code(c)])) };

  return {
    total: counts ? { value: counts.failed, source: 'http_req_failed' } : noSummary,
    byStatus,
    byStatusClass,
    unlistedStatus,
    timeouts: byErrorCode.value === null ? byErrorCode : { value: code(REQUEST_TIMEOUT_CODE), source: `http_reqs{error_code:${REQUEST_TIMEOUT_CODE}}` },
    connectionFailures:
      connectionByCode.value === null
        ? connectionByCode
        : { value: Object.values(connectionByCode.value).reduce((a, b) => a + b, 0), source: `http_reqs{error_code:${CONNECTION_ERROR_CODES.join('|')}}` },
    connectionFailuresByCode: connectionByCode,
    injectedAborts: fromFlagOrCounter(accessLog, 'FI', proxy.counters.faultAbortsInjected, 'fault.aborts_injected'),
    overflow503: fromFlagOrCounter(accessLog, 'UO', proxy.counters.pendingOverflows, 'upstream_rq_pending_overflow'),
    noHealthyUpstream: accessLog.available
      ? { value: accessLog.flags.UH ?? 0, source: 'access log flag UH' }
      : { value: null, reason: `no access log (${accessLog.reason})` },
  };
}

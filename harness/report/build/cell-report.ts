/**
 * Turns one cell's raw files (k6 summary, proxy stats, access log) into its CellReport:
 * counts, failure causes, rates with intervals, latency, load, proxy counters, checks and
 * verdict. Likely causes need the other cells of the stage, so build-report adds them.
 */
import { summariseAccessLog } from './access-log-flags.ts';
import { checkExpectation } from './expectation-checks.ts';
import { checkLoad } from './load-check.ts';
import { buildFailureBreakdown } from './failure-breakdown.ts';
import { checkPrediction } from './prediction-check.ts';
import { hostOfUrl, sumProxyCounters } from './proxy-counters.ts';
import type { CellFiles } from '../read-run-folder.ts';
import type { CellReport, Execution, LoadReport, Measured, ProportionEstimate } from '../report-types.ts';
import { readCounts } from '../../model/k6-summary-counts.ts';
import { readAchievedLoad, readLatency } from './summary-metrics.ts';
import { wilsonInterval } from './statistics.ts';
import { decideVerdict } from './verdict.ts';
import type { RunOutcomeKind } from '../../model/k6-outcome.ts';

const FAILED_OUTCOMES: ReadonlySet<RunOutcomeKind> = new Set([
  'setup-timeout',
  'invalid-config',
  'script-exception',
  'aborted-by-script',
  'failed-by-script',
  'engine-error',
]);

export function executionOf(outcome: RunOutcomeKind, summaryAvailable: boolean): Execution {
  if (!summaryAvailable || FAILED_OUTCOMES.has(outcome)) return 'failed';
  return outcome === 'interrupted' ? 'interrupted' : 'completed';
}

function proportion(count: number, total: number, confidence: number): ProportionEstimate {
  const interval = wilsonInterval(count, total, confidence);
  return { count, total, rate: interval.point, lower: interval.lower, upper: interval.upper, confidence };
}

export function buildCellReport(files: CellFiles, options: { url: string; confidence: number; predictionTolerance?: number }): CellReport {
  const { record } = files;
  const summary = files.summary.ok ? files.summary.value : undefined;
  const summaryReason = files.summary.ok ? undefined : files.summary.reason;
  const noSummary = { value: null, reason: summaryReason ?? 'no k6 summary' } as const;

  const proxy = sumProxyCounters(files.proxyStats.ok ? files.proxyStats.value : undefined, files.proxyStats.ok ? '' : files.proxyStats.reason, hostOfUrl(options.url));
  const accessLog = summariseAccessLog(files.accessLog);
  const counts = summary ? readCounts(summary) : undefined;
  const failures = buildFailureBreakdown({ counts, summaryReason, proxy, accessLog });

  let errorRate: Measured<ProportionEstimate> = noSummary;
  let successRate: Measured<ProportionEstimate> = noSummary;
  let networkErrorRate: Measured<ProportionEstimate> = noSummary;
  if (counts) {
    // With zero requests there is no rate to speak of: say so rather than print 0 %.
    const none = { value: null, reason: 'no requests were made' } as const;
    errorRate = counts.requests > 0 ? { value: proportion(Math.min(counts.failed, counts.requests), counts.requests, options.confidence) } : none;
    successRate = counts.requests > 0 ? { value: proportion(counts.requests - Math.min(counts.failed, counts.requests), counts.requests, options.confidence) } : none;
    const status0 = failures.byStatus.value === null ? undefined : (failures.byStatus.value['0'] ?? 0);
    networkErrorRate =
      failures.byStatus.value === null
        ? failures.byStatus
        : counts.requests > 0
          ? { value: proportion(Math.min(status0 ?? 0, counts.requests), counts.requests, options.confidence) }
          : none;
  }

  const latencyMs = summary
    ? readLatency(summary)
    : { avg: noSummary, p50: noSummary, p90: noSummary, p95: noSummary, p99: noSummary, max: noSummary };

  const achieved = summary ? readAchievedLoad(summary) : { achievedRate: noSummary, droppedIterations: noSummary, testRunDurationMs: noSummary };
  const targetRate = record.load?.rate ?? 0;
  const load: LoadReport = {
    targetRate,
    targetDurationSeconds: record.load?.durationSeconds ?? 0,
    ...achieved,
    achievedRatio:
      achieved.achievedRate.value === null
        ? achieved.achievedRate
        : targetRate > 0
          ? { value: achieved.achievedRate.value / targetRate }
          : { value: null, reason: 'the run recorded no target rate' },
  };

  const execution = executionOf(record.outcome, summary !== undefined);
  const requests: Measured = counts ? { value: counts.requests, source: 'http_reqs' } : noSummary;
  // An interrupted cell was cut short on purpose: its load is not a shortfall.
  const loadChecks = execution === 'completed' ? checkLoad(load, requests).filter((check) => !check.passed) : [];
  const checks = [...loadChecks, ...checkExpectation(record.expectation, { errorRate, networkErrorRate, latencyMs })];
  const predictionChecks = checkPrediction(record.prediction, { success: successRate, networkError: networkErrorRate }, options.predictionTolerance);
  const { verdict, reasons } = decideVerdict({
    summaryAvailable: summary !== undefined,
    summaryReason,
    checks,
    predictionChecks,
    hasPrediction: record.prediction !== undefined,
  });

  return {
    stage: record.stage,
    vantage: record.vantage,
    path: record.path,
    engine: record.engine,
    outcome: record.outcome,
    exitCode: record.exitCode,
    detail: record.detail,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    execution,
    summaryAvailable: summary !== undefined,
    summaryReason,
    requests,
    successes: counts ? { value: counts.requests - Math.min(counts.failed, counts.requests), source: 'http_reqs − http_req_failed' } : noSummary,
    failures,
    errorRate,
    networkErrorRate,
    latencyMs,
    load,
    proxy,
    accessLog,
    expectation: record.expectation,
    checks,
    prediction: record.prediction,
    predictionChecks,
    verdict,
    verdictReasons: reasons,
    likelyCauses: [],
  };
}

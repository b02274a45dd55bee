/**
 * Checks a plan's Expectation against what a cell measured: error-rate and network-error
 * bounds on the observed point estimates (the plan author wrote them as plain fractions),
 * latency bounds as upper limits on the observed percentiles. A bound whose metric could
 * not be measured fails: an expectation that was never checked has not been met.
 */
import type { Expectation } from '../../model/plan.ts';
import type { ExpectationCheck, ExpectationMetric, LatencyKey, Measured, ProportionEstimate } from '../report-types.ts';

const LATENCY_BOUND_KEYS = ['p50', 'p90', 'p95', 'p99', 'max'] as const;

function pct(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

function rateChecks(metric: ExpectationMetric, label: string, bounds: { min?: number; max?: number } | undefined, observed: Measured<ProportionEstimate>): ExpectationCheck[] {
  const checks: ExpectationCheck[] = [];
  for (const bound of ['min', 'max'] as const) {
    const limit = bounds?.[bound];
    if (limit === undefined) continue;
    if (observed.value === null) {
      checks.push({ metric, bound, limit, observed: null, passed: false, message: `${label} ${bound === 'min' ? '>=' : '<='} ${pct(limit)} not checked: ${observed.reason}` });
      continue;
    }
    const rate = observed.value.rate;
    const passed = bound === 'min' ? rate >= limit : rate <= limit;
    checks.push({
      metric,
      bound,
      limit,
      observed: rate,
      passed,
      message: `${label} ${pct(rate)} ${passed ? 'within' : bound === 'min' ? 'below' : 'above'} expected ${bound} ${pct(limit)}`,
    });
  }
  return checks;
}

export function checkExpectation(
  expectation: Expectation | undefined,
  observed: { errorRate: Measured<ProportionEstimate>; networkErrorRate: Measured<ProportionEstimate>; latencyMs: Record<LatencyKey, Measured> },
): ExpectationCheck[] {
  if (!expectation) return [];
  const checks = [
    ...rateChecks('errorRate', 'error rate', expectation.errorRate, observed.errorRate),
    ...rateChecks('networkErrorRate', 'network error rate', expectation.networkErrorRate, observed.networkErrorRate),
  ];
  for (const key of LATENCY_BOUND_KEYS) {
    const limit = expectation.latencyMs?.[key];
    if (limit === undefined) continue;
    const measured = observed.latencyMs[key];
    const metric = `latencyMs.${key}` as ExpectationMetric;
    if (measured.value === null) {
      checks.push({ metric, bound: 'max', limit, observed: null, passed: false, message: `${key} <= ${limit} ms not checked: ${measured.reason}` });
      continue;
    }
    const passed = measured.value <= limit;
    checks.push({
      metric,
      bound: 'max',
      limit,
      observed: measured.value,
      passed,
      message: `${key} latency ${measured.value.toFixed(1)} ms ${passed ? 'within' : 'above'} expected max ${limit} ms`,
    });
  }
  return checks;
}

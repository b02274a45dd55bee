/**
 * One verdict per stage × vantage, in order of what matters to the reader:
 *   not-run             no summary: nothing can be judged
 *   expectation-failed  a bound the plan set does not hold (each failed bound is listed)
 *   not-modelled        no (closed-form) prediction to compare with
 *   as-configured       the prediction is consistent with the observed interval
 *   deviates            it is not: the config did something other than what it says
 */
import type { ExpectationCheck, PredictionCheck, Verdict } from '../report-types.ts';

function pct(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

export function describePredictionCheck(check: PredictionCheck): string {
  const { observed, predicted } = check;
  const label = check.metric === 'successRate' ? 'success rate' : 'network error rate';
  const expected = predicted.point !== undefined ? pct(predicted.point) : `${pct(predicted.min ?? 0)}–${pct(predicted.max ?? 1)}`;
  return `${label} predicted ${expected}, observed ${pct(observed.rate)} [${pct(observed.lower)}, ${pct(observed.upper)}]${check.consistent ? '' : ' — outside the interval'}`;
}

export function decideVerdict(options: {
  summaryAvailable: boolean;
  summaryReason?: string;
  checks: ExpectationCheck[];
  predictionChecks: PredictionCheck[];
  hasPrediction: boolean;
}): { verdict: Verdict; reasons: string[] } {
  if (!options.summaryAvailable) return { verdict: 'not-run', reasons: [options.summaryReason ?? 'no k6 summary'] };
  const failedBounds = options.checks.filter((check) => !check.passed);
  if (failedBounds.length > 0) return { verdict: 'expectation-failed', reasons: failedBounds.map((check) => check.message) };
  if (!options.hasPrediction || options.predictionChecks.length === 0) {
    return { verdict: 'not-modelled', reasons: [options.hasPrediction ? 'the model has no closed form for this cell' : 'no prediction for this cell'] };
  }
  const inconsistent = options.predictionChecks.filter((check) => !check.consistent);
  if (inconsistent.length > 0) return { verdict: 'deviates', reasons: inconsistent.map(describePredictionCheck) };
  return { verdict: 'as-configured', reasons: options.predictionChecks.map(describePredictionCheck) };
}

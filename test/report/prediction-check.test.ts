import { expect } from 'chai';
import type { Prediction } from '../../harness/istio/outcome/prediction.ts';
import { checkPrediction } from '../../harness/report/build/prediction-check.ts';
import type { Measured, ProportionEstimate } from '../../harness/report/report-types.ts';
import { wilsonInterval } from '../../harness/report/build/statistics.ts';

function observed(count: number, total: number): Measured<ProportionEstimate> {
  const interval = wilsonInterval(count, total, 0.95);
  return { value: { count, total, rate: count / total, lower: interval.lower, upper: interval.upper, confidence: 0.95 } };
}

const half: Prediction = { vantage: 'in-mesh', modelled: true, successProbability: 0.5, formula: '1 - 0.5', notes: [] };
const none: Measured<ProportionEstimate> = { value: null, reason: 'not measured' };

describe('prediction check', () => {
  it('does not call a chance 2.5-sigma draw a deviation (the check uses a 99.9% interval)', () => {
    // 364/800 successes: the 95% interval [0.42, 0.49] excludes 0.5, the 99.9% one does not.
    const [check] = checkPrediction(half, { success: observed(364, 800), networkError: none });
    expect(check.consistent).to.equal(true);
  });

  it('flags a policy that did not apply (50% observed where 99.9% was predicted)', () => {
    const retried: Prediction = { ...half, successProbability: 1 - 0.5 ** 11 };
    const [check] = checkPrediction(retried, { success: observed(400, 800), networkError: none });
    expect(check.consistent).to.equal(false);
  });
});

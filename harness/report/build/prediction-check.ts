/**
 * Compares the expected-outcome model's prediction with the observed proportions. A
 * predicted probability is consistent when it lies inside the observed Wilson interval;
 * predicted bounds are consistent when they overlap it.
 *
 * The interval used here is a 99.9% one, wider than the 95% interval the report shows:
 * a plan has many cells, and at 95% one correctly configured cell in twenty would be
 * called "deviates" by chance alone. At 99.9% that happens about once in a thousand
 * cells, while a real deviation (a policy that did not apply: 50% instead of 0.05%
 * errors) is still far outside. The interval is also widened by a
 * small absolute tolerance because the model is a closed form of idealised behaviour
 * (no back-off timing, no scheduling jitter) and should not be called wrong for a
 * difference no reader would act on.
 */
import type { Prediction } from '../../istio/outcome/prediction.ts';
import type { Measured, PredictionCheck, ProportionEstimate } from '../report-types.ts';
import { isWithinInterval, wilsonInterval } from './statistics.ts';

export const DEFAULT_PREDICTION_TOLERANCE = 0.005;
export const PREDICTION_CHECK_CONFIDENCE = 0.999;

/** The observed estimate with its interval recomputed at the agreement-check confidence. */
function atCheckConfidence(estimate: ProportionEstimate): ProportionEstimate {
  const interval = wilsonInterval(estimate.count, estimate.total, PREDICTION_CHECK_CONFIDENCE);
  return { ...estimate, lower: interval.lower, upper: interval.upper, confidence: PREDICTION_CHECK_CONFIDENCE };
}

export function checkPrediction(
  prediction: Prediction | undefined,
  observed: { success: Measured<ProportionEstimate>; networkError: Measured<ProportionEstimate> },
  tolerance = DEFAULT_PREDICTION_TOLERANCE,
): PredictionCheck[] {
  if (!prediction?.modelled) return [];
  const checks: PredictionCheck[] = [];
  const success = observed.success.value && atCheckConfidence(observed.success.value);
  if (success) {
    if (typeof prediction.successProbability === 'number') {
      checks.push({
        metric: 'successRate',
        predicted: { point: prediction.successProbability },
        observed: success,
        consistent: isWithinInterval(prediction.successProbability, success, tolerance),
      });
    } else if (prediction.successBounds) {
      const { min, max } = prediction.successBounds;
      checks.push({
        metric: 'successRate',
        predicted: { min, max },
        observed: success,
        consistent: max >= success.lower - tolerance && min <= success.upper + tolerance,
      });
    }
  }
  const network = observed.networkError.value && atCheckConfidence(observed.networkError.value);
  if (network && typeof prediction.networkErrorProbability === 'number') {
    checks.push({
      metric: 'networkErrorRate',
      predicted: { point: prediction.networkErrorProbability },
      observed: network,
      consistent: isWithinInterval(prediction.networkErrorProbability, network, tolerance),
    });
  }
  return checks;
}

/** Predicted success share as one number (point, else bounds midpoint), for cause analysis. */
export function predictedSuccess(prediction: Prediction | undefined): number | undefined {
  if (!prediction?.modelled) return undefined;
  if (typeof prediction.successProbability === 'number') return prediction.successProbability;
  if (prediction.successBounds) return (prediction.successBounds.min + prediction.successBounds.max) / 2;
  return undefined;
}

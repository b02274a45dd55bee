/** RB104: `outlierDetection.consecutiveErrors` has been ignored by Istio since 1.7. */
import { locateField } from '../../../yaml/parse-manifests.ts';
import { type LintRule, outlierBlocksInPlan } from './rule.ts';

export const consecutiveErrorsIgnored: LintRule = {
  code: 'RB104',
  severity: 'warning',
  title: 'consecutiveErrors is ignored (since Istio 1.7)',
  check(plan) {
    return outlierBlocksInPlan(plan)
      .filter(({ outlier }) => outlier.consecutiveErrors !== undefined)
      .map(({ stage, destinationRule, path, outlier }) => ({
        code: this.code,
        severity: this.severity,
        stage: stage.name,
        location: locateField(destinationRule, `${path}.consecutiveErrors`),
        message: `${destinationRule.metadata.name}: consecutiveErrors is ignored since Istio 1.7${outlier.consecutive5xxErrors === undefined && outlier.consecutiveGatewayErrors === undefined ? ': this outlier detection uses the default thresholds' : ''}`,
        fix: `use \`consecutive5xxErrors: ${outlier.consecutiveErrors}\` (any 5xx) or consecutiveGatewayErrors (502/503/504)`,
      }));
  },
};

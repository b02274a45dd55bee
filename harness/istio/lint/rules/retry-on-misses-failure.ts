/**
 * RB101: a route retries, but its retryOn does not cover the status the workload fails
 * with, so nothing is retried (e.g. `attempts: 10` without retryOn against an app that
 * answers 500: Istio's default conditions only cover connect failures and, on 1.22, 503).
 */
import { locateField } from '../../../yaml/parse-manifests.ts';
import { retriesStatus } from '../../semantics/retry-on.ts';
import { describeRetryOn, effectiveRetryPolicy } from '../../semantics/retry-policy.ts';
import { type LintRule, routesInPlan } from './rule.ts';

export const retryOnMissesFailure: LintRule = {
  code: 'RB101',
  severity: 'warning',
  title: 'retryOn does not cover the status the workload fails with',
  check(plan) {
    return routesInPlan(plan).flatMap(({ stage, virtualService, route, path, destinations }) => {
      if (!route.retries) return [];
      const policy = effectiveRetryPolicy(route.retries, plan.meshProfile);
      if (policy.attempts === 0) return [];
      return destinations
        .filter(({ behaviour }) => behaviour.failureRate > 0 && !retriesStatus(policy.retryOn, behaviour.failureStatus))
        .map(({ workload, behaviour }) => ({
          code: this.code,
          severity: this.severity,
          stage: stage.name,
          location: locateField(virtualService, `${path}.retries${route.retries?.retryOn === undefined ? '' : '.retryOn'}`),
          message: `${virtualService.metadata.name}: ${policy.attempts} retries on ${describeRetryOn(policy.retryOn)}${policy.origin === 'default-conditions' ? " (Istio's default, retryOn not set)" : ''} never retry the ${behaviour.failureStatus} that ${workload.name} fails with`,
          fix: `add \`retryOn: ${behaviour.failureStatus >= 500 ? '5xx' : behaviour.failureStatus}\` (or list ${behaviour.failureStatus} in retryOn)`,
        }));
    });
  },
};

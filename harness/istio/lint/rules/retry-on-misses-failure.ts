/**
 * RB101: a route retries, but its retryOn does not cover the status the workload fails
 * with, so nothing is retried (e.g. `attempts: 10` without retryOn against an app that
 * answers 500: Istio's default conditions only cover connect failures and, on 1.22, 503).
 * An app's connection resets count as the 503 the server sidecar answers them with.
 */
import { locateField } from '../../../yaml/parse-manifests.ts';
import { RESET_STATUS } from '../../outcome/attempt-model.ts';
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
      const location = locateField(virtualService, `${path}.retries${route.retries?.retryOn === undefined ? '' : '.retryOn'}`);
      const retries = `${virtualService.metadata.name}: ${policy.attempts} retries on ${describeRetryOn(policy.retryOn)}${policy.origin === 'default-conditions' ? " (Istio's default, retryOn not set)" : ''}`;
      const finding = (message: string, fix: string) => ({ code: this.code, severity: this.severity, stage: stage.name, location, message, fix });
      return destinations.flatMap(({ workload, behaviour }) => [
        ...(behaviour.failureRate > 0 && !retriesStatus(policy.retryOn, behaviour.failureStatus)
          ? [
              finding(
                `${retries} never retry the ${behaviour.failureStatus} that ${workload.name} fails with`,
                `add \`retryOn: ${behaviour.failureStatus >= 500 ? '5xx' : behaviour.failureStatus}\` (or list ${behaviour.failureStatus} in retryOn)`,
              ),
            ]
          : []),
        // The server sidecar answers an app's reset with a 503: `reset` does not cover it.
        ...(behaviour.resetRate > 0 && !retriesStatus(policy.retryOn, RESET_STATUS)
          ? [
              finding(
                `${retries} never retry ${workload.name}'s connection resets: the server sidecar turns them into a ${RESET_STATUS}, which the client sidecar sees instead of a reset`,
                `add \`5xx\`, \`gateway-error\` or \`${RESET_STATUS}\` to retryOn (\`reset\` alone does not cover it)`,
              ),
            ]
          : []),
      ]);
    });
  },
};

/**
 * RB103: a route with fault injection and retries or a timeout. Injected aborts are never
 * retried and injected delay does not count toward the route timeout, which surprises
 * people who inject faults to test their retries.
 */
import { locateField } from '../../../yaml/parse-manifests.ts';
import { type LintRule, routesInPlan } from './rule.ts';

export const faultWithRetries: LintRule = {
  code: 'RB103',
  severity: 'info',
  title: 'fault injection on a route with retries or a timeout',
  check(plan) {
    return routesInPlan(plan)
      .filter(({ route }) => route.fault !== undefined && (route.retries !== undefined || route.timeout !== undefined))
      .map(({ stage, virtualService, route, path }) => {
        const what = [route.retries && 'retries', route.timeout && 'a timeout'].filter(Boolean).join(' and ');
        return {
          code: this.code,
          severity: this.severity,
          stage: stage.name,
          location: locateField(virtualService, `${path}.fault`),
          message: `${virtualService.metadata.name}: fault and ${what} on one route: injected aborts are never retried and injected delay is not part of the timeout`,
          fix: 'to test retries, make the workload fail (FAILURE_RATE) instead of injecting aborts',
        };
      });
  },
};

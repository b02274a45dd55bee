/**
 * RB102: the per-try timeout is shorter than the workload's typical (median) latency, so
 * most tries are abandoned before the app answers, and each retry costs another try.
 */
import { parseDuration } from '../../../util/duration.ts';
import { typicalLatency } from '../../outcome/latency-distribution.ts';
import { locateField } from '../../../yaml/parse-manifests.ts';
import { formatLatency } from '../../../model/behaviour.ts';
import { type LintRule, routesInPlan } from './rule.ts';

export const perTryTimeoutBelowLatency: LintRule = {
  code: 'RB102',
  severity: 'warning',
  title: 'perTryTimeout is shorter than the typical latency of the workload',
  check(plan) {
    return routesInPlan(plan).flatMap(({ stage, virtualService, route, path, destinations }) => {
      const perTry = route.retries?.perTryTimeout;
      if (perTry === undefined || (route.retries?.attempts ?? 0) === 0) return [];
      const perTryMs = parseDuration(perTry);
      return destinations
        .filter(({ behaviour }) => perTryMs < typicalLatency(behaviour.latency))
        .map(({ workload, behaviour }) => ({
          code: this.code,
          severity: this.severity,
          stage: stage.name,
          location: locateField(virtualService, `${path}.retries.perTryTimeout`),
          message: `${virtualService.metadata.name}: perTryTimeout ${perTry} is below the typical latency of ${workload.name} (${formatLatency(behaviour.latency)}): most tries time out`,
          fix: `raise perTryTimeout above ${Math.ceil(typicalLatency(behaviour.latency))}ms, or drop it`,
        }));
    });
  },
};

/** RB106: a per-try timeout ≥ the route timeout is ignored by Envoy (docs/mesh-semantics.md §1). */
import { parseDuration } from '../../../util/duration.ts';
import { locateField } from '../../../yaml/parse-manifests.ts';
import { type LintRule, routesInPlan } from './rule.ts';

export const perTryTimeoutNotBelowRouteTimeout: LintRule = {
  code: 'RB106',
  severity: 'warning',
  title: 'perTryTimeout is not shorter than the route timeout (ignored)',
  check(plan) {
    return routesInPlan(plan).flatMap(({ stage, virtualService, route, path }) => {
      const perTry = route.retries?.perTryTimeout;
      if (perTry === undefined || route.timeout === undefined) return [];
      const routeMs = parseDuration(route.timeout);
      if (routeMs === 0 || parseDuration(perTry) < routeMs) return [];
      return [
        {
          code: this.code,
          severity: this.severity,
          stage: stage.name,
          location: locateField(virtualService, `${path}.retries.perTryTimeout`),
          message: `${virtualService.metadata.name}: perTryTimeout ${perTry} ≥ route timeout ${route.timeout}: the per-try timeout is ignored and no retry fits inside the timeout`,
          fix: `make perTryTimeout shorter than ${route.timeout} (e.g. ${route.timeout} divided by attempts + 1)`,
        },
      ];
    });
  },
};

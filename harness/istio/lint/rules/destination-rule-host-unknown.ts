/**
 * RB110: a DestinationRule whose host matches no Service of the plan's workloads. Its
 * traffic policy (circuit breaking, outlier detection, TLS, subsets) applies to nothing,
 * so the stage does not test what it configures. Short hosts are read in the
 * DestinationRule's namespace, as Istio does; wildcard hosts match any Service they cover.
 */
import { locateField } from '../../../yaml/parse-manifests.ts';
import { hostCovers, qualifyHost, workloadFqdn, workloadServiceName } from '../../semantics/service-hosts.ts';
import type { LintRule } from './rule.ts';

export const destinationRuleHostUnknown: LintRule = {
  code: 'RB110',
  severity: 'warning',
  title: 'DestinationRule host matches no Service',
  check(plan) {
    return plan.stages.flatMap((stage) =>
      stage.config.destinationRules.flatMap((dr) => {
        const namespace = dr.metadata.namespace ?? plan.namespace;
        const host = qualifyHost(dr.spec.host, namespace);
        if (plan.workloads.some((w) => hostCovers(host, workloadFqdn(w)))) return [];
        const services = [...new Set(plan.workloads.map((w) => `${workloadServiceName(w)}.${w.namespace}`))];
        return [
          {
            code: this.code,
            severity: this.severity,
            stage: stage.name,
            location: locateField(dr, 'spec.host'),
            message: `${dr.metadata.name}: host ${dr.spec.host} (${host}) matches no Service of the plan's workloads: its traffic policy applies to nothing`,
            fix: services.length > 0 ? `name a Service the workloads have (${services.join(', ')}); a short name is read in the DestinationRule's namespace (${namespace})` : 'add the workload that serves this host to the plan',
          },
        ];
      }),
    );
  },
};

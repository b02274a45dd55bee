/**
 * RB108: a stage expects gateway traffic to be shaped by its VirtualService, but the
 * VirtualService for the scenario's host lists no gateway, so it applies to the mesh only
 * and the gateway has no route for it (docs/mesh-semantics.md §7).
 */
import { locateField } from '../../../yaml/parse-manifests.ts';
import { boundToGateway } from '../../semantics/route-selection.ts';
import { hostCovers, qualifyHost } from '../../semantics/service-hosts.ts';
import type { LintRule } from './rule.ts';

export const gatewayNotBound: LintRule = {
  code: 'RB108',
  severity: 'warning',
  title: 'VirtualService lists no gateway but the stage expects gateway traffic',
  check(plan) {
    const host = new URL(plan.scenario.url).hostname;
    return plan.stages.flatMap((stage) => {
      const expectsGateway = plan.vantages.includes('gateway') || stage.expect.gateway !== undefined;
      if (!expectsGateway || stage.config.gateways.length === 0) return [];
      const gateways = stage.config.gateways;
      if (stage.config.virtualServices.some((vs) => gateways.some((gw) => boundToGateway(vs, gw)))) return [];
      const forHost = stage.config.virtualServices.find((vs) => vs.spec.hosts.some((h) => hostCovers(qualifyHost(h, vs.metadata.namespace ?? plan.namespace), qualifyHost(host, plan.namespace))));
      const gatewayName = gateways[0].metadata.name;
      return [
        {
          code: this.code,
          severity: this.severity,
          stage: stage.name,
          location: forHost ? locateField(forHost, 'spec.hosts') : stage.source,
          message: forHost
            ? `${forHost.metadata.name} lists no gateway: it applies inside the mesh only, and gateway ${gatewayName} has no route (404)`
            : `no VirtualService is bound to gateway ${gatewayName}: gateway traffic gets 404`,
          fix: `add \`gateways: [${gatewayName}, mesh]\` to the VirtualService`,
        },
      ];
    });
  },
};

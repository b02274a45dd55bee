/**
 * RB109: a VirtualService lists a gateway that the stage does not have. A stage's config is
 * its whole Istio configuration, so that gateway does not exist while the stage runs, and
 * the route is bound to nothing there (istioctl analyze reports it as
 * ReferencedResourceNotFound). `mesh` is the reserved name for the sidecars.
 */
import { locateField } from '../../../yaml/parse-manifests.ts';
import type { Gateway, VirtualService } from '../../../model/istio-objects.ts';
import type { LintRule } from './rule.ts';

/** Whether a `gateways` entry (`name` in the VirtualService's namespace, or `namespace/name`) names `gateway`. */
function names(entry: string, gateway: Gateway, virtualService: VirtualService, defaultNamespace: string): boolean {
  const gatewayNamespace = gateway.metadata.namespace ?? defaultNamespace;
  const [namespace, name] = entry.includes('/') ? entry.split('/', 2) : [virtualService.metadata.namespace ?? defaultNamespace, entry];
  return name === gateway.metadata.name && namespace === gatewayNamespace;
}

export const gatewayNotFound: LintRule = {
  code: 'RB109',
  severity: 'error',
  title: 'VirtualService bound to a gateway the stage does not have',
  check(plan) {
    return plan.stages.flatMap((stage) =>
      stage.config.virtualServices.flatMap((vs) =>
        (vs.spec.gateways ?? []).flatMap((entry, index) => {
          if (entry === 'mesh' || stage.config.gateways.some((gw) => names(entry, gw, vs, plan.namespace))) return [];
          const known = stage.config.gateways.map((gw) => `${gw.metadata.namespace ?? plan.namespace}/${gw.metadata.name}`);
          return [
            {
              code: this.code,
              severity: this.severity,
              stage: stage.name,
              location: locateField(vs, `spec.gateways[${index}]`),
              message: `${vs.metadata.name} is bound to gateway ${entry}, which is not in this stage's configuration: the route applies to nothing there`,
              fix: known.length > 0 ? `name one of the stage's gateways (${known.join(', ')}), or \`mesh\`` : 'add the Gateway to the stage (or to the plan) or remove it from `gateways`',
            },
          ];
        }),
      ),
    );
  },
};

/**
 * `--namespace`: run a plan in another namespace than the one its files name. Every object
 * in the plan's namespace moves, and so do the names that point into it: service hosts
 * (`appflaky.retryns`, `appflaky.retryns.svc.cluster.local`), `retryns/<gateway>`
 * references, and the scenario URL. Objects in other namespaces (a mesh-wide policy in
 * istio-system) stay where they are.
 */
import type { ManifestObject } from '../../model/istio-objects.ts';
import type { Plan } from '../../model/plan.ts';

export function withNamespace(plan: Plan, namespace: string): Plan {
  const from = plan.namespace;
  if (namespace === from) return plan;
  const renameString = (value: string): string => {
    const host = new RegExp(`^([a-z0-9*](?:[a-z0-9-]*[a-z0-9])?)\\.${escapeRegExp(from)}(\\.svc(?:\\.cluster\\.local)?)?$`).exec(value);
    if (host) return `${host[1]}.${namespace}${host[2] ?? ''}`;
    if (value.startsWith(`${from}/`)) return `${namespace}/${value.slice(from.length + 1)}`;
    return value;
  };
  const renameDeep = <T>(value: T): T => {
    if (typeof value === 'string') return renameString(value) as T;
    if (Array.isArray(value)) return value.map(renameDeep) as T;
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameDeep(v)])) as T;
    return value;
  };
  const moveObject = <O extends ManifestObject<unknown>>(object: O): O => {
    const inPlanNamespace = object.kind === 'Namespace' ? object.metadata.name === from : (object.metadata.namespace ?? 'default') === from;
    const metadata = { ...object.metadata };
    if (inPlanNamespace && object.kind === 'Namespace') metadata.name = namespace;
    else if (inPlanNamespace) metadata.namespace = namespace;
    return { ...object, metadata, spec: renameDeep(object.spec) };
  };
  const url = new URL(plan.scenario.url);
  url.hostname = renameString(url.hostname);
  return {
    ...plan,
    namespace,
    scenario: { ...plan.scenario, url: url.toString() },
    workloads: plan.workloads.map((w) => ({ ...w, namespace: w.namespace === from ? namespace : w.namespace, objects: w.objects.map(moveObject) })),
    stages: plan.stages.map((stage) => ({
      ...stage,
      config: {
        virtualServices: stage.config.virtualServices.map(moveObject),
        destinationRules: stage.config.destinationRules.map(moveObject),
        peerAuthentications: stage.config.peerAuthentications.map(moveObject),
        gateways: stage.config.gateways.map(moveObject),
      },
    })),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Kubernetes service discovery for the local mesh: a Service's endpoints are the replicas
 * of every workload in its namespace whose pod labels match its selector (so one Service
 * can span several Deployments, e.g. `version: v1` and `v2` for subsets). A workload
 * read without a Service object gets one named after it that selects only its replicas.
 */
import type { ManifestObject } from '../../model/istio-objects.ts';
import type { WorkloadSpec } from '../../model/plan.ts';
import { type Endpoint, type MeshService, serviceFqdn } from './topology.ts';

interface ServiceObjectSpec {
  selector?: Record<string, string>;
  ports?: { port?: number; targetPort?: number | string }[];
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

export function discoverServices(workloads: readonly WorkloadSpec[], endpointsOf: (workload: WorkloadSpec) => Endpoint[]): MeshService[] {
  const services: MeshService[] = [];
  const seen = new Set<string>();
  const covered = new Set<WorkloadSpec>();
  for (const owner of workloads) {
    for (const object of owner.objects as ManifestObject<ServiceObjectSpec>[]) {
      if (object.kind !== 'Service') continue;
      const namespace = object.metadata.namespace ?? owner.namespace;
      const key = `${namespace}/${object.metadata.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const members = workloads.filter((w) => w.namespace === namespace && selects(object.spec.selector ?? {}, w.labels));
      if (members.length === 0) continue;
      for (const m of members) covered.add(m);
      const port = object.spec.ports?.[0]?.port ?? owner.servicePort;
      services.push({
        fqdn: serviceFqdn(object.metadata.name, namespace),
        name: object.metadata.name,
        namespace,
        port,
        targetPort: owner.targetPort,
        workload: members[0],
        endpoints: members.flatMap(endpointsOf),
      });
    }
  }
  for (const w of workloads) {
    if (covered.has(w) || seen.has(`${w.namespace}/${w.name}`)) continue;
    services.push({
      fqdn: serviceFqdn(w.name, w.namespace),
      name: w.name,
      namespace: w.namespace,
      port: w.servicePort,
      targetPort: w.targetPort,
      workload: w,
      endpoints: endpointsOf(w),
    });
  }
  return services;
}

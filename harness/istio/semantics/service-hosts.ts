/**
 * Kubernetes service names as Istio resolves them: a short host in a VirtualService or
 * DestinationRule means `<host>.<object namespace>.svc.cluster.local`; `*` and
 * `*.suffix` are wildcards.
 */
import type { WorkloadSpec } from '../../model/plan.ts';

const CLUSTER_SUFFIX = 'svc.cluster.local';

/** The names a Service answers to inside the cluster, shortest first. */
export function serviceHostnames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.${CLUSTER_SUFFIX}`];
}

/**
 * Fully qualified, lower-case form of `host` written in `namespace` (`appflaky` →
 * `appflaky.retryns.svc.cluster.local`), as Kubernetes DNS search paths and Istio's
 * short-name rules expand it. DNS names are case-insensitive.
 */
export function qualifyHost(host: string, namespace: string): string {
  const name = host.toLowerCase();
  if (name.includes('*')) return name;
  const parts = name.split('.');
  if (parts.length === 1) return `${name}.${namespace}.${CLUSTER_SUFFIX}`;
  if (parts.length === 2) return `${name}.${CLUSTER_SUFFIX}`;
  if (parts.length === 3 && parts[2] === 'svc') return `${name}.cluster.local`;
  return name;
}

/** Whether a (possibly wildcard) config host covers a fully qualified request host. */
export function hostCovers(configHost: string, fqdn: string): boolean {
  if (configHost === '*') return true;
  if (configHost.startsWith('*.')) return fqdn.endsWith(configHost.slice(1));
  return configHost === fqdn;
}

/** The Service name of a workload (the Service object that selects its pods). */
export function workloadServiceName(workload: WorkloadSpec): string {
  return workload.objects.find((o) => o.kind === 'Service')?.metadata.name ?? workload.name;
}

export function workloadFqdn(workload: WorkloadSpec): string {
  return qualifyHost(workloadServiceName(workload), workload.namespace);
}

/** The workload whose Service answers `host` (short or qualified, relative to `namespace`). */
export function findWorkloadByHost(workloads: WorkloadSpec[], host: string, namespace: string): WorkloadSpec | undefined {
  return findWorkloadsByHost(workloads, host, namespace)[0];
}

/**
 * Every workload behind the Service that answers `host`: a Service selecting the pods of
 * several Deployments (v1 and a v2 canary) balances over all their replicas.
 */
export function findWorkloadsByHost(workloads: WorkloadSpec[], host: string, namespace: string): WorkloadSpec[] {
  const fqdn = qualifyHost(host, namespace);
  return workloads.filter((w) => workloadFqdn(w) === fqdn);
}

/** How many endpoints (pods) the Service answering `host` has. */
export function endpointCount(workloads: WorkloadSpec[], host: string, namespace: string): number {
  return findWorkloadsByHost(workloads, host, namespace).reduce((sum, w) => sum + w.replicas, 0);
}

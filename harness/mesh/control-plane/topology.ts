/**
 * The services and endpoints the mesh runs, as the control plane sees them: one service
 * per workload (`<name>.<ns>.svc.cluster.local:<servicePort>`) with one endpoint per
 * replica. An endpoint's address is its server sidecar's listener, or the app itself when
 * the workload has no sidecar.
 */
import type { WorkloadSpec } from '../../model/plan.ts';
import { spiffeId } from './certificates.ts';
import { qualifyHost } from '../../istio/semantics/service-hosts.ts';

export const CLUSTER_DOMAIN = 'svc.cluster.local';

export interface Endpoint {
  /** Pod-like name, `<workload>-<replica>.<namespace>`; also the server sidecar's proxy name. */
  id: string;
  workload: WorkloadSpec;
  replica: number;
  labels: Record<string, string>;
  sidecar: boolean;
  /** 127.0.0.1 port a caller inside the mesh connects to. */
  port: number;
  spiffeId: string;
}

export interface MeshService {
  fqdn: string;
  name: string;
  namespace: string;
  port: number;
  targetPort: number;
  workload: WorkloadSpec;
  endpoints: Endpoint[];
}

export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** Splits `host[:port]` (IPv6 literals in brackets are left whole). */
export function splitAuthority(authority: string): { host: string; port?: number } {
  const match = /^(.*?)(?::(\d+))?$/.exec(authority.trim());
  const host = (match?.[1] ?? authority).toLowerCase();
  return match?.[2] ? { host, port: Number(match[2]) } : { host };
}

export class MeshTopology {
  readonly services: MeshService[];

  constructor(services: MeshService[]) {
    this.services = services;
  }

  byFqdn(fqdn: string, port?: number): MeshService | undefined {
    return this.services.find((s) => s.fqdn === fqdn && (port === undefined || s.port === port));
  }

  /** The service a request's authority names, resolved from a proxy in `namespace`. */
  resolveAuthority(authority: string, namespace: string): MeshService | undefined {
    const { host, port } = splitAuthority(authority);
    return this.byFqdn(qualifyHost(host, namespace), port ?? 80);
  }

  workloadService(workload: string, namespace: string): MeshService | undefined {
    return this.services.find((s) => s.name === workload && s.namespace === namespace);
  }
}

export function endpointFor(workload: WorkloadSpec, replica: number, port: number): Endpoint {
  return {
    id: `${workload.name}-${replica}.${workload.namespace}`,
    workload,
    replica,
    labels: workload.labels,
    sidecar: workload.sidecar,
    port,
    spiffeId: spiffeId({ namespace: workload.namespace, serviceAccount: workload.serviceAccount }),
  };
}

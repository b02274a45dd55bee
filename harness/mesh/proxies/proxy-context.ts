/**
 * What every proxy of one mesh shares: the topology, the CA, the seed, the access log and
 * the configuration snapshots the control plane pushes.
 */
import type { IstioConfig, MeshProfile } from '../../model/istio-objects.ts';
import type { AccessLog } from './access-log.ts';
import { type EffectiveMtlsMode, resolveMtlsMode } from '../control-plane/peer-authentication.ts';
import type { RouteTable } from '../control-plane/route-table.ts';
import type { Endpoint, MeshTopology } from '../control-plane/topology.ts';

/** One pushed configuration version. */
export interface MeshSnapshot {
  version: number;
  config: IstioConfig;
  /** The mTLS mode the endpoint's server sidecar enforces on its container port. */
  serverMode(endpoint: Endpoint): EffectiveMtlsMode;
}

export interface ProxyContext {
  seed: number;
  profile: MeshProfile;
  topology: MeshTopology;
  ca: string;
  accessLog: AccessLog;
  routeTable(snapshot: MeshSnapshot, gateways: string[], namespace: string): RouteTable;
}

/** A snapshot of `config`; each endpoint's server mode is resolved once, on first use. */
export function createSnapshot(version: number, config: IstioConfig): MeshSnapshot {
  const modes = new Map<string, EffectiveMtlsMode>();
  return {
    version,
    config,
    serverMode: (endpoint) => {
      let mode = modes.get(endpoint.id);
      if (mode === undefined) {
        mode = resolveMtlsMode(config.peerAuthentications, { namespace: endpoint.workload.namespace, labels: endpoint.labels, port: endpoint.workload.targetPort });
        modes.set(endpoint.id, mode);
      }
      return mode;
    },
  };
}

/**
 * What every proxy of one mesh shares: the topology, the CA, the seed, the access log and
 * the configuration snapshots the control plane pushes.
 */
import type { IstioConfig, MeshProfile } from '../istio/types.ts';
import type { AccessLog } from './access-log.ts';
import type { EffectiveMtlsMode } from './peer-authentication.ts';
import type { RouteTable } from './route-table.ts';
import type { Endpoint, MeshTopology } from './topology.ts';

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

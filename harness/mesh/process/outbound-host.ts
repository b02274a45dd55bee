/**
 * Where the outbound proxies (client sidecar, ingress gateway) run: in the mesh's own
 * thread, or in a worker thread (`outbound-worker.ts`) so their work runs in parallel
 * with the server sidecars'. `OutboundHost` pushes configuration and collects
 * acknowledgements, stats and access log entries the same way in both cases.
 */
import type { IstioConfig, MeshProfile } from '../../model/istio-objects.ts';
import type { IssuedCertificate } from '../control-plane/certificates.ts';
import type { MeshService } from '../control-plane/topology.ts';
import { AccessLog } from '../proxies/access-log.ts';
import { OutboundProxy } from '../proxies/outbound-proxy.ts';
import { createSnapshot, type ProxyContext } from '../proxies/proxy-context.ts';
import { RouteTable } from '../control-plane/route-table.ts';
import { MeshTopology } from '../control-plane/topology.ts';
import { RoleHost } from './role-host.ts';
import type { AccessLogEntry } from '../../model/proxy-observations.ts';

export interface OutboundProxySpec {
  name: string;
  kind: 'sidecar' | 'gateway';
  namespace: string;
  certificate: IssuedCertificate;
  /** Envoy worker threads; Istio's default 2 when unset. */
  concurrency?: number;
}

export interface OutboundWorkerData {
  seed: number;
  profile: MeshProfile;
  ca: string;
  services: MeshService[];
  proxies: OutboundProxySpec[];
}

export type OutboundRequest =
  | { op: 'start' }
  | { op: 'update'; version: number; config: IstioConfig }
  | { op: 'served' }
  | { op: 'stats' }
  | { op: 'resetStats' }
  | { op: 'drainAccessLog' }
  | { op: 'stop' };

/** Runs the outbound proxies and answers OutboundRequests; used in a worker or directly. */
export function createOutboundHandler(data: OutboundWorkerData): (request: OutboundRequest) => Promise<unknown> {
  const accessLog = new AccessLog();
  const context: ProxyContext = {
    seed: data.seed,
    profile: data.profile,
    topology: new MeshTopology(data.services),
    ca: data.ca,
    accessLog,
    routeTable: (snapshot, gateways, namespace) => new RouteTable({ config: snapshot.config, topology: context.topology, profile: data.profile, gateways, namespace }),
  };
  const proxies = data.proxies.map((spec) => new OutboundProxy({ ...spec, context }));
  return async (request) => {
    switch (request.op) {
      case 'start':
        for (const proxy of proxies) await proxy.start();
        return Object.fromEntries(proxies.map((p) => [p.name, p.port]));
      case 'update': {
        const snapshot = createSnapshot(request.version, request.config);
        for (const proxy of proxies) proxy.update(snapshot);
        return undefined;
      }
      case 'served':
        return Object.fromEntries(proxies.map((p) => [p.name, p.servedVersion]));
      case 'stats':
        return Object.fromEntries(proxies.map((p) => [p.name, p.stats.snapshot()]));
      case 'resetStats':
        for (const proxy of proxies) proxy.stats.reset();
        return undefined;
      case 'drainAccessLog':
        return accessLog.drain();
      case 'stop':
        await Promise.all(proxies.map((p) => p.stop()));
        return undefined;
    }
  };
}

export class OutboundHost extends RoleHost<OutboundRequest> {
  ports: Record<string, number> = {};

  constructor(data: OutboundWorkerData, threaded: boolean) {
    super({ label: 'outbound proxies', workerEntry: new URL('./outbound-worker.ts', import.meta.url), workerData: data, threaded, createHandler: () => createOutboundHandler(data) });
  }

  async start(): Promise<void> {
    this.ports = await this.call<Record<string, number>>({ op: 'start' });
  }

  update(version: number, config: IstioConfig): Promise<void> {
    return this.call({ op: 'update', version, config });
  }

  served(): Promise<Record<string, number>> {
    return this.call({ op: 'served' });
  }

  stats(): Promise<Record<string, Record<string, number>>> {
    return this.call({ op: 'stats' });
  }

  resetStats(): Promise<void> {
    return this.call({ op: 'resetStats' });
  }

  drainAccessLog(): Promise<AccessLogEntry[]> {
    return this.call({ op: 'drainAccessLog' });
  }

  stop(): Promise<void> {
    return this.stopRole({ op: 'stop' });
  }
}

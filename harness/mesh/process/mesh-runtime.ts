/**
 * The whole local mesh inside one process: CA, sample apps, server sidecars, external
 * balancers, the client sidecar and the ingress gateway, plus the control plane that
 * versions configuration and pushes it to every proxy. `mesh-process.ts` runs it in a
 * child process so its event loop never competes with the load generator's.
 */
import { UserError } from '../../errors/user-error.ts';
import type { IstioConfig } from '../../model/istio-objects.ts';
import type { AppBehaviour, WorkloadSpec } from '../../model/plan.ts';
import { AccessLog } from '../proxies/access-log.ts';
import { AppHost } from './app-host.ts';
import type { LocalMeshOptions } from '../api.ts';
import { CertificateAuthority } from '../control-plane/certificates.ts';
import { checkMeshConfig } from '../control-plane/config-check.ts';
import { ExternalBalancer } from '../proxies/external-balancer.ts';
import { OutboundHost, type OutboundWorkerData } from './outbound-host.ts';
import { ROOT_NAMESPACE } from '../control-plane/peer-authentication.ts';
import { createSnapshot, type ProxyContext } from '../proxies/proxy-context.ts';
import { RouteTable } from '../control-plane/route-table.ts';
import { ServerSidecar } from '../proxies/server-sidecar.ts';
import { discoverServices } from '../control-plane/service-discovery.ts';
import { type Endpoint, endpointFor, type MeshService, MeshTopology } from '../control-plane/topology.ts';
import type { AccessLogEntry } from '../../model/proxy-observations.ts';

export const CLIENT_PROXY_NAME = 'client-sidecar';
export const GATEWAY_PROXY_NAME = 'istio-ingressgateway';
const WAIT_POLL_MS = 2;

/** What the parent needs to know once the mesh is up (all plain data, sent over IPC). */
export interface MeshAddresses {
  clientProxyUrl: string;
  gatewayUrl: string;
  /** `<namespace>/<workload>` → plaintext URL of the workload's "LoadBalancer". */
  externalUrls: Record<string, string>;
  /** Replica name (`appflaky-0.retryns`) → the app itself, bypassing every proxy (diagnostics, benchmarks). */
  appUrls: Record<string, string>;
}

interface Replica {
  workload: WorkloadSpec;
  /** Pod-like name; the app's name in the app worker. */
  name: string;
  appPort: number;
  sidecar?: ServerSidecar;
}

const EMPTY_CONFIG: IstioConfig = { virtualServices: [], destinationRules: [], peerAuthentications: [], gateways: [] };

function checkWorkloads(workloads: WorkloadSpec[]): void {
  if (workloads.length === 0) {
    throw new UserError({ code: 'MESH_NO_WORKLOADS', message: 'the local mesh needs at least one workload', fix: 'list a Deployment and its Service under spec.workloads in the plan' });
  }
  const seen = new Set<string>();
  for (const w of workloads) {
    const key = `${w.namespace}/${w.name}`;
    if (seen.has(key)) throw new UserError({ code: 'MESH_DUPLICATE_WORKLOAD', message: `workload ${key} is defined twice`, fix: 'give each Deployment a unique name in its namespace', location: w.source });
    seen.add(key);
    if (!Number.isInteger(w.replicas) || w.replicas < 1 || w.replicas > 64) {
      throw new UserError({ code: 'MESH_BAD_REPLICAS', message: `workload ${key} has ${w.replicas} replicas; the local mesh runs 1 to 64`, fix: 'set spec.replicas between 1 and 64', location: w.source });
    }
  }
}

export class MeshRuntime {
  private version = 0;
  private readonly accessLog = new AccessLog();
  private readonly replicas: Replica[] = [];
  private readonly balancers = new Map<string, ExternalBalancer>();
  /** Client sidecar and ingress gateway, in their own worker thread. */
  private outbound?: OutboundHost;
  /** The sample apps, in their own worker thread. */
  private apps?: AppHost;
  private stopped = false;
  /** Client sidecar and gateway in a worker thread of their own (see LocalMeshOptions.threads). */
  private readonly outboundThreaded: boolean;
  /** The sample apps in a worker thread of their own. */
  private readonly appsThreaded: boolean;

  private constructor(private readonly options: LocalMeshOptions) {
    const threads = options.threads ?? 'default';
    this.outboundThreaded = threads !== 'single';
    this.appsThreaded = threads === 'per-role';
  }

  static async start(options: LocalMeshOptions): Promise<MeshRuntime> {
    checkWorkloads(options.workloads);
    const runtime = new MeshRuntime(options);
    try {
      await runtime.boot();
    } catch (error) {
      await runtime.stop();
      throw error;
    }
    return runtime;
  }

  private async boot(): Promise<void> {
    const { seed, workloads } = this.options;
    const ca = new CertificateAuthority();
    const accessLog = this.accessLog;
    const services: MeshService[] = [];
    const context: ProxyContext = {
      seed,
      profile: this.options.profile,
      topology: new MeshTopology(services),
      ca: ca.caPem,
      accessLog,
      routeTable: (snapshot, gateways, namespace) =>
        new RouteTable({ config: snapshot.config, topology: context.topology, profile: this.options.profile, gateways, namespace }),
    };
    const bases = workloads.flatMap((workload) => Array.from({ length: workload.replicas }, (_, replica) => endpointFor(workload, replica, 0)));
    this.apps = new AppHost({ seed, apps: bases.map((base) => ({ name: base.id, behaviour: base.workload.behaviour })) }, this.appsThreaded);
    await this.apps.start();
    const endpointsByWorkload = new Map<WorkloadSpec, Endpoint[]>();
    for (const base of bases) {
      const { workload } = base;
      const entry: Replica = { workload, name: base.id, appPort: this.apps.ports[base.id] };
      this.replicas.push(entry);
      if (workload.sidecar) {
        const certificate = ca.issue({ namespace: workload.namespace, serviceAccount: workload.serviceAccount });
        entry.sidecar = new ServerSidecar({ endpoint: base, appPort: entry.appPort, certificate, context });
        await entry.sidecar.start();
      }
      const endpoints = endpointsByWorkload.get(workload) ?? [];
      endpoints.push({ ...base, port: entry.sidecar?.port ?? entry.appPort });
      endpointsByWorkload.set(workload, endpoints);
    }
    services.push(...discoverServices(workloads, (w) => endpointsByWorkload.get(w) ?? []));
    // External addresses: one per Service, and one per workload that no Service is named after.
    const external = new Map<string, Endpoint[]>();
    for (const service of services) external.set(`${service.namespace}/${service.name}`, service.endpoints);
    for (const [workload, endpoints] of endpointsByWorkload) {
      const key = `${workload.namespace}/${workload.name}`;
      if (!external.has(key)) external.set(key, endpoints);
    }
    for (const [key, endpoints] of external) {
      const balancer = new ExternalBalancer(() => endpoints.map((e) => e.port));
      await balancer.start();
      this.balancers.set(key, balancer);
    }
    const client = this.options.client ?? { namespace: workloads[0].namespace, serviceAccount: 'bench-client' };
    const outbound: OutboundWorkerData = {
      seed,
      profile: this.options.profile,
      ca: ca.caPem,
      services,
      proxies: [
        {
          name: CLIENT_PROXY_NAME,
          kind: 'sidecar',
          namespace: client.namespace,
          certificate: ca.issue({ namespace: client.namespace, serviceAccount: client.serviceAccount }),
          concurrency: client.proxyConcurrency,
        },
        {
          name: GATEWAY_PROXY_NAME,
          kind: 'gateway',
          namespace: ROOT_NAMESPACE,
          certificate: ca.issue({ namespace: ROOT_NAMESPACE, serviceAccount: 'istio-ingressgateway-service-account' }),
        },
      ],
    };
    this.outbound = new OutboundHost(outbound, this.outboundThreaded);
    await this.outbound.start();
    this.push(EMPTY_CONFIG);
  }

  addresses(): MeshAddresses {
    const externalUrls: Record<string, string> = {};
    for (const [key, balancer] of this.balancers) externalUrls[key] = `http://127.0.0.1:${balancer.port}`;
    const appUrls: Record<string, string> = {};
    for (const replica of this.replicas) appUrls[replica.name] = `http://127.0.0.1:${replica.appPort}`;
    const ports = this.outbound?.ports ?? {};
    return { clientProxyUrl: `http://127.0.0.1:${ports[CLIENT_PROXY_NAME]}`, gatewayUrl: `http://127.0.0.1:${ports[GATEWAY_PROXY_NAME]}`, externalUrls, appUrls };
  }

  private sidecars(): ServerSidecar[] {
    return this.replicas.flatMap((r) => (r.sidecar ? [r.sidecar] : []));
  }

  private push(config: IstioConfig): number {
    const version = ++this.version;
    const snapshot = createSnapshot(version, config);
    for (const sidecar of this.sidecars()) sidecar.update(snapshot);
    // Acknowledged through `served()`; a failed worker shows up there as well.
    this.outbound?.update(version, config).catch(() => undefined);
    return version;
  }

  /** Version each proxy serves, by proxy name. */
  private async served(): Promise<Record<string, number>> {
    const out: Record<string, number> = this.outbound ? await this.outbound.served() : {};
    for (const sidecar of this.sidecars()) out[sidecar.name] = sidecar.servedVersion;
    return out;
  }

  async applyConfig(config: IstioConfig, behaviour: Record<string, Partial<AppBehaviour>> = {}): Promise<number> {
    checkMeshConfig(config);
    const known = new Set(this.options.workloads.map((w) => w.name));
    for (const name of Object.keys(behaviour)) {
      if (!known.has(name)) {
        throw new UserError({ code: 'MESH_UNKNOWN_WORKLOAD', message: `behaviour override for unknown workload "${name}"`, fix: `use one of: ${[...known].join(', ')}` });
      }
    }
    // Overrides are relative to the workload's declared behaviour, never cumulative across stages.
    const behaviours: Record<string, AppBehaviour> = {};
    for (const replica of this.replicas) behaviours[replica.name] = { ...replica.workload.behaviour, ...behaviour[replica.workload.name] };
    await this.apps?.setBehaviour(behaviours);
    return this.push(config);
  }

  async waitForVersion(version: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const served = await this.served();
      const lagging = Object.entries(served).filter(([, v]) => v < version);
      if (lagging.length === 0) return;
      if (Date.now() >= deadline) {
        throw new UserError({
          code: 'MESH_PROPAGATION_TIMEOUT',
          message: `config version ${version} did not reach ${lagging.map(([name, v]) => `${name} (serves ${v})`).join(', ')} within ${timeoutMs} ms`,
          fix: version > this.version ? `version ${version} was never applied; the latest is ${this.version}` : 'raise the propagation timeout, or check that the mesh process is not overloaded',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  async stats(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = this.outbound ? await this.outbound.stats() : {};
    for (const sidecar of this.sidecars()) out[sidecar.name] = sidecar.stats.snapshot();
    if (this.apps) Object.assign(out, await this.apps.stats());
    return out;
  }

  async resetStats(): Promise<void> {
    await this.outbound?.resetStats();
    for (const sidecar of this.sidecars()) sidecar.stats.reset();
    await this.apps?.resetStats();
  }

  /** Entries of every proxy, in time order. */
  async drainAccessLog(): Promise<AccessLogEntry[]> {
    const outbound = this.outbound ? await this.outbound.drainAccessLog() : [];
    return [...outbound, ...this.accessLog.drain()].sort((a, b) => a.time.localeCompare(b.time));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const closing: Promise<void>[] = [];
    if (this.outbound) closing.push(this.outbound.stop());
    for (const balancer of this.balancers.values()) closing.push(balancer.stop());
    for (const replica of this.replicas) if (replica.sidecar) closing.push(replica.sidecar.stop());
    if (this.apps) closing.push(this.apps.stop());
    await Promise.all(closing);
  }
}

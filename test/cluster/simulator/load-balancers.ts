/**
 * The cloud's load balancers: each Service of type LoadBalancer gets an address
 * 127.77.x.y (loopback: traffic stays on this machine) written to
 * status.loadBalancer.ingress, and a TCP forwarder there on each Service port to the
 * local mesh's external entry for the workload the Service selects, so outside callers
 * reach the pods' server sidecars without a client sidecar, as through a real one.
 * `assign` false leaves every LoadBalancer without an address, as a cloud that cannot
 * provision one does.
 */
import { CoreV1Api, type KubeConfig, PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import type { LocalMesh } from '../../../harness/mesh/index.ts';
import type { WorkloadSpec } from '../../../harness/model/plan.ts';
import { type TcpForwarder, startTcpForwarder } from './tcp-forwarder.ts';

export class LoadBalancers {
  private readonly forwarders = new Map<string, { address: string; forwarders: TcpForwarder[] }>();
  private next = 1;
  private readonly subnet = `127.77.${process.pid % 250}`;

  constructor(private readonly options: { kc: KubeConfig; assign(): boolean; mesh(): LocalMesh | undefined; workloads(): readonly WorkloadSpec[]; log(line: string): void }) {}

  private destination(service: V1Service): { host: string; port: number } | undefined {
    const mesh = this.options.mesh();
    if (!mesh) return undefined;
    const namespace = service.metadata?.namespace ?? '';
    const selector = service.spec?.selector ?? {};
    const workload = this.options.workloads().find((w) => w.namespace === namespace && Object.entries(selector).every(([k, v]) => w.labels[k] === v));
    if (!workload) return undefined;
    const url = new URL(mesh.externalUrl(workload.name, namespace));
    return { host: url.hostname, port: Number(url.port) };
  }

  async tick(services: V1Service[]): Promise<void> {
    const seen = new Set<string>();
    for (const service of services) {
      if (service.spec?.type !== 'LoadBalancer' || !this.options.assign()) continue;
      const key = service.metadata?.uid ?? '';
      seen.add(key);
      let entry = this.forwarders.get(key);
      if (!entry) {
        const address = `${this.subnet}.${this.next++}`;
        const forwarders: TcpForwarder[] = [];
        for (const port of service.spec.ports ?? []) {
          forwarders.push(await startTcpForwarder({ host: address, port: port.port, destination: () => this.destination(service) }));
        }
        entry = { address, forwarders };
        this.forwarders.set(key, entry);
        this.options.log(`load balancer ${address} for Service ${service.metadata?.namespace}/${service.metadata?.name}`);
      }
      if (service.status?.loadBalancer?.ingress?.[0]?.ip !== entry.address) {
        await this.options.kc
          .makeApiClient(CoreV1Api)
          .patchNamespacedServiceStatus(
            { name: service.metadata?.name ?? '', namespace: service.metadata?.namespace ?? '', body: { status: { loadBalancer: { ingress: [{ ip: entry.address, ipMode: 'VIP' }] } } } },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
      }
    }
    for (const [key, entry] of this.forwarders) {
      if (seen.has(key)) continue;
      this.forwarders.delete(key);
      await Promise.all(entry.forwarders.map((f) => f.close()));
    }
  }

  async close(): Promise<void> {
    for (const entry of this.forwarders.values()) await Promise.all(entry.forwarders.map((f) => f.close()));
    this.forwarders.clear();
  }
}

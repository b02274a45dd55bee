/**
 * Where load from outside the mesh enters: `--external-url` when given; else the Service's
 * LoadBalancer address (an IP, or a hostname on clouds that hand out names), waited for;
 * else a NodePort on a node address. A ClusterIP-only Service gets a companion
 * LoadBalancer Service selecting the same pods (created and removed by the target), so
 * external callers reach the pods' sidecars as a cloud load balancer delivers them.
 */
import { CoreV1Api, type KubeConfig, type V1Node, type V1Service } from '@kubernetes/client-node';
import { UserError } from '../../errors/user-error.ts';
import type { KubeObject } from './object-ref.ts';
import { sleep } from './pods.ts';

export const EXTERNAL_SERVICE_SUFFIX = '-bench-lb';

/** `10.1.2.3`, `a1b2.elb.amazonaws.com`, or undefined while the cloud has not assigned one. */
export function loadBalancerHost(service: V1Service): string | undefined {
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  return ingress?.ip ?? ingress?.hostname ?? undefined;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The base URL for one Service port, from its LoadBalancer address or a NodePort; undefined when it has neither yet. */
export function serviceBaseUrl(service: V1Service, port: number, nodes: readonly V1Node[] = []): string | undefined {
  const servicePort = service.spec?.ports?.find((p) => p.port === port) ?? service.spec?.ports?.[0];
  if (!servicePort) return undefined;
  if (service.spec?.type === 'LoadBalancer') {
    const host = loadBalancerHost(service);
    if (host) return `http://${hostForUrl(host)}:${servicePort.port}`;
  }
  if ((service.spec?.type === 'NodePort' || service.spec?.type === 'LoadBalancer') && servicePort.nodePort) {
    const address = nodeAddress(nodes);
    if (address) return `http://${hostForUrl(address)}:${servicePort.nodePort}`;
  }
  return undefined;
}

/** A node address reachable from outside: ExternalIP first, then InternalIP. */
export function nodeAddress(nodes: readonly V1Node[]): string | undefined {
  for (const type of ['ExternalIP', 'InternalIP']) {
    for (const node of nodes) {
      const found = node.status?.addresses?.find((a) => a.type === type);
      if (found) return found.address;
    }
  }
  return undefined;
}

/** A LoadBalancer Service with the same selector and ports as `service`. */
export function companionLoadBalancer(service: V1Service): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `${service.metadata?.name}${EXTERNAL_SERVICE_SUFFIX}`,
      namespace: service.metadata?.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'resilience-bench' },
    },
    spec: {
      type: 'LoadBalancer',
      selector: service.spec?.selector,
      ports: (service.spec?.ports ?? []).map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol })),
    },
  };
}

export interface AddressOptions {
  kc: KubeConfig;
  namespace: string;
  name: string;
  port: number;
  canListNodes: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** What the address is for, in messages ("external vantage", "gateway vantage"). */
  purpose: string;
}

/** Polls the Service until it has a LoadBalancer address (or a NodePort with a known node). */
export async function waitForServiceAddress(options: AddressOptions): Promise<string> {
  const core = options.kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + options.timeoutMs;
  let nodes: V1Node[] = [];
  for (;;) {
    const service = await core.readNamespacedService({ name: options.name, namespace: options.namespace });
    if (options.canListNodes && service.spec?.type !== 'LoadBalancer' && nodes.length === 0) nodes = (await core.listNode()).items;
    const base = serviceBaseUrl(service, options.port, nodes);
    if (base) return base;
    if (service.spec?.type === 'ClusterIP' || service.spec?.type === undefined) {
      throw new UserError({
        code: 'EXTERNAL_ADDRESS_MISSING',
        message: `Service ${options.namespace}/${options.name} (${options.purpose}) is ClusterIP-only: nothing outside the cluster can reach it`,
        fix: 'pass --external-url http://<address>:<port>, or make the Service a LoadBalancer or NodePort',
      });
    }
    if (Date.now() >= deadline || options.signal?.aborted) {
      throw new UserError({
        code: 'LOADBALANCER_NO_ADDRESS',
        message: `Service ${options.namespace}/${options.name} (${options.purpose}) got no ${service.spec?.type === 'NodePort' ? 'node address' : 'LoadBalancer address'} within ${options.timeoutMs} ms`,
        fix: 'check the cloud load balancer (kubectl describe service shows its events), or pass --external-url http://<address>:<port>',
      });
    }
    // One read a second: a cloud takes tens of seconds, the test cluster a quarter of one.
    await sleep(1000, options.signal);
  }
}

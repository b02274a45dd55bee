/**
 * The parts of a cluster that are not the API, around a test control plane: one node and
 * its kubelet (pods, logs), Istio's injector and data plane (the local mesh, programmed
 * from the API server's objects), and the cloud's load balancers. One reconcile loop polls
 * the API server (a watch would need re-establishing after every API server restart;
 * a poll just fails and tries again) and brings each part in line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, type KubeConfig, KubernetesObjectApi, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import type { MeshProfile } from '../../../harness/model/istio-objects.ts';
import { K6_API_PORT } from '../../../harness/targets/kubernetes/k6-rest-api.ts';
import { STATUS_PORT } from '../../../harness/targets/kubernetes/proxy-stats.ts';
import { type ControlPlane, skipUnlessControlPlane } from '../fixture/control-plane.ts';
import { PausedK6Runs, startK6ApiServer } from './k6-api-server.ts';
import { SimulatedK6Operator } from './k6-operator.ts';
import { PodLogs, startKubeletServer } from './kubelet-server.ts';
import { LoadBalancers } from './load-balancers.ts';
import { MeshBridge } from './mesh-bridge.ts';
import { createNetworkNamespace, type NetworkNamespace, networkNamespaceUnavailable } from './network-namespace.ts';
import { registerNode, removeNode } from './node.ts';
import { PodLifecycle } from './pod-lifecycle.ts';
import { startSidecarInjector } from './sidecar-injector.ts';
import { startStatsServer } from './stats-server.ts';

export const NODE_NAME = 'sim-node-1';
const TICK_MS = 250;
const ISTIO_KINDS: [string, string][] = [
  ['networking.istio.io/v1', 'VirtualService'],
  ['networking.istio.io/v1', 'DestinationRule'],
  ['networking.istio.io/v1', 'Gateway'],
  ['security.istio.io/v1', 'PeerAuthentication'],
];

export interface SimulatorOptions {
  kc: KubeConfig;
  seed: number;
  profile?: MeshProfile;
  /** Give LoadBalancer Services an address (default true). */
  assignLoadBalancers?: boolean;
  /** k6 Job pods for which this returns true fail at once. */
  failK6Pod?(pod: V1Pod): boolean;
  /** Pods whose k6 is killed this many ms into its load (exit 137, no summary), as on a node that dies mid-run. */
  killK6Pod?(pod: V1Pod): number | undefined;
  log?(line: string): void;
}

export interface SimulatedCluster {
  readonly network: NetworkNamespace;
  /** Lines the simulator logged, for a failing test's message. */
  readonly lines: string[];
  /** Whether load balancers get addresses from now on. */
  setAssignLoadBalancers(assign: boolean): void;
  /** The k6-operator's part, active while the TestRun CRD is served. */
  readonly k6Operator: SimulatedK6Operator;
  stop(): Promise<void>;
}

/** Skips the suite where the simulator cannot run (no control plane, no network namespaces), and says why; in CI that is a failure. */
export async function skipUnlessSimulator(ctx: Mocha.Context): Promise<void> {
  await skipUnlessControlPlane(ctx);
  const why = await networkNamespaceUnavailable();
  if (!why) return;
  if (process.env.CI === 'true') throw new Error(`cluster simulator unavailable in CI: ${why}`);
  console.warn(`    skipping: ${why}`);
  ctx.skip();
}

export async function startSimulatedCluster(cp: ControlPlane, options: SimulatorOptions): Promise<SimulatedCluster> {
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(`${new Date().toISOString()} ${line}`);
    options.log?.(line);
  };
  const { kc } = options;
  const network = await createNetworkNamespace();
  const cleanups: (() => Promise<unknown>)[] = [() => network.remove()];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  try {
    const logs = new PodLogs();
    const kubelet = await startKubeletServer({ address: network.hostAddress, logs, certificate: cp.issueCertificate({ commonName: NODE_NAME, ipAddresses: [network.hostAddress], serverAuth: true }) });
    cleanups.push(() => kubelet.close());
    await registerNode(kc, { name: NODE_NAME, address: network.hostAddress, kubeletPort: kubelet.port });
    cleanups.push(() => removeNode(kc, NODE_NAME));
    const injector = await startSidecarInjector(kc, { caPem: cp.caPem, certificate: cp.issueCertificate({ commonName: 'istio-sidecar-injector', ipAddresses: ['127.0.0.1'], serverAuth: true }) });
    cleanups.push(() => injector.close());

    const bridge = new MeshBridge({ seed: options.seed, profile: options.profile ?? 'istio-1.24+', log });
    cleanups.push(() => bridge.stop());
    const pausedK6 = new PausedK6Runs();
    const k6Operator = new SimulatedK6Operator(kc, pausedK6, log);
    const pods = new PodLifecycle({ kc, nodeName: NODE_NAME, nodeAddress: network.hostAddress, allocateIp: () => network.allocate(), logs, mesh: () => bridge.current, pausedK6, failK6Pod: options.failK6Pod, killK6Pod: options.killK6Pod, log });
    let assign = options.assignLoadBalancers ?? true;
    const balancers = new LoadBalancers({ kc, assign: () => assign, mesh: () => bridge.current, workloads: () => bridge.currentWorkloads, log });
    cleanups.push(() => balancers.close());

    let lastPods: V1Pod[] = [];
    const stats = await startStatsServer({
      address: network.hostAddress,
      counters: async (ip) => {
        const pod = pods.podAt(lastPods, ip);
        const mesh = bridge.current;
        if (!pod || !mesh) return undefined;
        const namespace = pod.metadata?.namespace ?? '';
        const workload = bridge.currentWorkloads.find((w) => w.namespace === namespace && Object.entries(w.labels).every(([k, v]) => pod.metadata?.labels?.[k] === v));
        if (!workload) return undefined;
        // The mesh runs one sidecar per replica; the Deployment's running pods, by name, take them in turn.
        const siblings = lastPods.filter((p) => p.metadata?.namespace === namespace && p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && Object.entries(workload.labels).every(([k, v]) => p.metadata?.labels?.[k] === v));
        const index = siblings.map((p) => p.metadata?.name).sort().indexOf(pod.metadata?.name);
        const all = await mesh.stats();
        const keys = Object.keys(all).filter((k) => k.startsWith(`${workload.name}-`) && k.endsWith(`.${namespace}`)).sort();
        return all[keys[index % Math.max(keys.length, 1)] ?? ''];
      },
    });
    cleanups.push(() => stats.close());
    const k6Api = await startK6ApiServer({ address: network.hostAddress, runs: pausedK6 });
    cleanups.push(() => k6Api.close());
    const relay = await startRelay(network, { [STATUS_PORT]: stats.port, [K6_API_PORT]: k6Api.port });
    cleanups.push(async () => {
      relay.stdin?.end();
      relay.kill('SIGTERM');
    });

    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    let stopped = false;
    let lastError = '';
    const loop = (async () => {
      while (!stopped) {
        try {
          const namespaces = (await core.listNamespace()).items.filter((n) => n.metadata?.labels?.['istio-injection'] === 'enabled' && !n.metadata.deletionTimestamp);
          const names = new Set(namespaces.map((n) => n.metadata?.name));
          lastPods = (await core.listPodForAllNamespaces()).items;
          await pods.tick(lastPods);
          await k6Operator.tick(lastPods);
          const services = (await core.listServiceForAllNamespaces()).items.filter((s) => names.has(s.metadata?.namespace));
          const deployments = (await apps.listDeploymentForAllNamespaces()).items.filter((d) => names.has(d.metadata?.namespace));
          const istio: KubernetesObject[] = [];
          for (const [apiVersion, kind] of ISTIO_KINDS) {
            try {
              istio.push(...(await objects.list(apiVersion, kind)).items.filter((o) => names.has(o.metadata?.namespace)));
            } catch (error) {
              if ((error as { code?: number }).code !== 404) throw error;
            }
          }
          const withKinds = <T extends KubernetesObject>(list: T[], apiVersion: string, kind: string) => list.map((o) => ({ ...o, apiVersion, kind }));
          await bridge.sync({ namespaces: withKinds(namespaces, 'v1', 'Namespace'), deployments: withKinds(deployments, 'apps/v1', 'Deployment'), services: withKinds(services, 'v1', 'Service'), istio });
          await balancers.tick(services);
          lastError = '';
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          if (text !== lastError) log(`reconcile: ${text}`);
          lastError = text;
        }
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
    })();
    cleanups.push(async () => {
      stopped = true;
      await loop;
      pausedK6.abort();
      await Promise.allSettled(pods.running);
    });
    log(`node ${NODE_NAME} at ${network.hostAddress} (kubelet :${kubelet.port}), pods in network namespace ${network.name}`);
    return {
      network,
      lines,
      k6Operator,
      setAssignLoadBalancers(value) {
        assign = value;
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The pod-port relay inside the network namespace (pod port → host port); resolves once it listens. */
async function startRelay(network: NetworkNamespace, ports: Record<number, number>): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./pod-port-relay.mjs', import.meta.url));
  const pairs = Object.entries(ports).map(([podPort, hostPort]) => `${podPort}=${hostPort}`);
  const child = spawn('ip', ['netns', 'exec', network.name, process.execPath, script, network.hostAddress, ...pairs], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [chunk] = (await Promise.race([once(child.stdout as NodeJS.ReadableStream, 'data'), once(child, 'exit').then(() => [undefined])])) as [Buffer | undefined];
  if (!chunk?.toString().includes('ready')) throw new Error('the pod-port relay did not start in the network namespace');
  return child;
}

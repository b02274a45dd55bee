/**
 * The simulated data plane against the real API server: pods of an injected namespace are
 * bound, get the sidecar, run with an IP the API server can proxy to; their :15020 stats
 * come back through pods/proxy; a k6 Job as the bench launches it runs its bundle through
 * the mesh's client sidecar and its summary comes back through the pod log; a LoadBalancer
 * Service gets an address that reaches the app from outside the mesh.
 */
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { expect } from 'chai';
import { bundleScenario } from '../../../harness/runners/bundle-scenario.ts';
import { createK6JobLauncher } from '../../../harness/targets/kubernetes/k6-job-launcher.ts';
import { readPodCounters } from '../../../harness/targets/kubernetes/proxy-stats.ts';
import { projectRoot } from '../../../harness/util/project-root.ts';
import type { ControlPlane } from '../fixture/control-plane.ts';
import { createAll, eventually, installIstioCrds, startTestCluster, yamlObjects } from '../kubernetes-target/helpers.ts';
import { type SimulatedCluster, NODE_NAME, skipUnlessSimulator, startSimulatedCluster } from './simulated-cluster.ts';

const NS = 'simns';

function appObjects(): KubernetesObject[] {
  const text = yamlObjects(join(projectRoot, 'manifests', 'workloads', 'appflaky.yaml'));
  return text.map((o) => (o.kind === 'Namespace' ? { ...o, metadata: { name: NS, labels: { 'istio-injection': 'enabled' } } } : { ...o, metadata: { ...o.metadata, namespace: NS } }));
}

describe('cluster simulator (node, kubelet, injector, local mesh, load balancers)', function () {
  this.timeout(180_000);
  let cp: ControlPlane | undefined;
  let admin: KubeConfig;
  let sim: SimulatedCluster | undefined;

  before(async function () {
    await skipUnlessSimulator(this);
    ({ cp, admin } = await startTestCluster());
    await installIstioCrds(admin);
    sim = await startSimulatedCluster(cp, { kc: admin, seed: 7, failK6Pod: (pod) => Boolean(pod.spec?.containers.some((c) => c.env?.some((e) => e.name === 'STAGE' && e.value === 'doomed'))) });
    await createAll(admin, appObjects());
  });

  after(async () => {
    await sim?.stop();
    await cp?.stop();
  });

  it('registers a Ready node with an InternalIP and runs injected pods with a routable IP', async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const node = await core.readNode({ name: NODE_NAME });
    expect(node.status?.addresses).to.deep.equal([{ type: 'InternalIP', address: sim?.network.hostAddress }]);
    const pod = await eventually('appflaky pod running', async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=appflaky' })).items.find((p) => p.status?.phase === 'Running'));
    expect(pod.spec?.nodeName).to.equal(NODE_NAME);
    expect(pod.spec?.containers.map((c) => c.name)).to.deep.equal(['app', 'istio-proxy']);
    expect(pod.status?.podIP).to.match(/^10\.244\.\d+\.\d+$/);
  });

  it('runs a k6 Job through the client sidecar, with the summary in its log and the server sidecar counters behind pods/proxy', async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const pod = await eventually('appflaky pod running', async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=appflaky' })).items.find((p) => p.status?.phase === 'Running'));
    // The mesh starts once the Deployment exists; the stats answer once it has.
    const before = await eventually('server sidecar counters', () => readPodCounters(admin, NS, pod.metadata?.name ?? ''));
    let clientStats: string | undefined;
    const launcher = createK6JobLauncher({ kc: admin, namespace: NS, nativeSidecar: false, canResume: true, beforeCreate: async () => {}, afterDelete: async () => {}, onClientStats: (text) => (clientStats = text), slackMs: 60_000 });
    const url = `http://appflaky.${NS}.svc.cluster.local/unstable-endpoint`;
    const env = { ENDPOINT_URL: url, RATE: '50', DURATION: '2s', PRE_ALLOCATED_VUS: '5', MAX_VUS: '20', REQUEST_TIMEOUT: '10s', STAGE: 'baseline', VANTAGE: 'in-mesh', SUMMARY_PATH: '/tmp/ignored.json' };
    // Started paused, as a split run's Jobs are: k6 answers through pods/proxy that it waits, sends nothing, and starts on PATCH.
    let servedWhilePaused: number | undefined;
    const startGate = async () => {
      const now = await readPodCounters(admin, NS, pod.metadata?.name ?? '');
      servedWhilePaused = Object.entries(now).filter(([k]) => k.endsWith('.upstream_rq_total')).reduce((sum, [k, v]) => sum + v - (before[k] ?? 0), 0);
    };
    const result = await launcher.run({ bundlePath: await bundleScenario('unstable-endpoint'), env, tags: { stage: 'baseline', vantage: 'in-mesh' }, summaryPath: '/tmp/ignored.json', startGate });
    expect(result.outcome, result.detail).to.equal('ok');
    expect(servedWhilePaused).to.equal(0);
    const requests = (result.summary?.metrics.http_reqs?.values as { count?: number } | undefined)?.count ?? 0;
    // 50/s for 2 s: the embedded runtime delivers close to 100; 60..140 never flakes.
    expect(requests).to.be.within(60, 140);
    expect(clientStats).to.match(/envoy_cluster_upstream_rq_total\{cluster_name="outbound\|80\|\|appflaky\.simns\.svc\.cluster\.local"\} \d+/);
    const after = await readPodCounters(admin, NS, pod.metadata?.name ?? '');
    const served = Object.entries(after).filter(([k]) => k.endsWith('.upstream_rq_total')).reduce((sum, [k, v]) => sum + v - (before[k] ?? 0), 0);
    expect(served).to.equal(requests);
  });

  it('reports a k6 pod that fails before k6 runs as a failed Job without a summary', async () => {
    const launcher = createK6JobLauncher({ kc: admin, namespace: NS, nativeSidecar: false, canResume: true, beforeCreate: async () => {}, afterDelete: async () => {}, onClientStats: () => {}, slackMs: 60_000 });
    const env = { ENDPOINT_URL: `http://appflaky.${NS}.svc.cluster.local/`, RATE: '10', DURATION: '1s', PRE_ALLOCATED_VUS: '1', MAX_VUS: '2', REQUEST_TIMEOUT: '10s', STAGE: 'doomed', VANTAGE: 'in-mesh', SUMMARY_PATH: '/tmp/ignored.json' };
    const error = await launcher.run({ bundlePath: await bundleScenario('unstable-endpoint'), env, tags: {}, summaryPath: '/tmp/ignored.json' }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(error?.code).to.equal('K6_JOB_FAILED');
    expect(error?.message).to.match(/failed without a summary.*k6: exited 1/);
  });

  it('gives a LoadBalancer Service an address that reaches the app outside the mesh', async () => {
    const api = admin.makeApiClient(CoreV1Api);
    await api.createNamespacedService({ namespace: NS, body: { metadata: { name: 'appflaky-lb' }, spec: { type: 'LoadBalancer', selector: { app: 'appflaky' }, ports: [{ port: 80, targetPort: 5000 as never }] } } });
    const service = await eventually('LoadBalancer address', async () => {
      const found = await api.readNamespacedService({ name: 'appflaky-lb', namespace: NS });
      return found.status?.loadBalancer?.ingress?.[0]?.ip ? found : undefined;
    });
    const address = service.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
    expect(address).to.match(/^127\.77\./);
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await fetch(`http://${address}/unstable-endpoint`)).status);
    // FAILURE_RATE 0.5 and no client sidecar, so no retry: 40 tries give both answers
    // (all 40 alike has odds 2 × 0.5^40).
    expect(new Set(codes)).to.deep.equal(new Set([200, 500]));
    await api.deleteNamespacedService({ name: 'appflaky-lb', namespace: NS });
  });
});

import autocannon from 'autocannon';
import { startLocalMesh } from './harness/mesh/index.ts';
import { config, destinationRule, workload } from './test/mesh/helpers.ts';
const mesh = await startLocalMesh({ seed: 1, profile: 'istio-1.24+', workloads: [workload()] });
for (const tls of ['DISABLE', undefined]) {
  const parts = tls ? { destinationRules: [destinationRule({ trafficPolicy: { tls: { mode: tls as 'DISABLE' } } })] } : {};
  await mesh.waitForVersion(await mesh.applyConfig(config(parts)), 5000);
  const r = await autocannon({ url: mesh.clientProxyUrl, connections: 32, duration: 4, headers: { host: 'appflaky.retryns.svc.cluster.local' } } as any);
  console.log(tls ?? 'mtls', r.requests.average, 'req/s p50', (r.latency as any).p50, 'p99', r.latency.p99, 'non2xx', r.non2xx);
  const s = await mesh.stats();
  console.log(s['appflaky-0.retryns']['listener.0.0.0.0_15006.downstream_cx_total']);
  await mesh.resetStats();
}
await mesh.stop();

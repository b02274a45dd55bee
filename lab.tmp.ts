import { startLocalMesh } from './harness/mesh/index.ts';
import { APP_URL, appRoute, behaviour, CLUSTER, config, getViaProxy, keepAliveAgent, peerAuthentication, workload } from './test/mesh/helpers.ts';
const mesh = await startLocalMesh({ seed: 1, profile: 'istio-1.24+', threads: (process.env.THREADS ?? 'single') as 'single',  workloads: [workload({ behaviour: behaviour({ failureRate: 0.5, latency: { kind: 'fixed', ms: 1 } }) })] });
const perTry = process.argv[2] ?? '5ms';
const rate = Number(process.argv[3] ?? 100);
await mesh.waitForVersion(await mesh.applyConfig(config({ peerAuthentications: [peerAuthentication({ mtls: { mode: 'STRICT' } })], virtualServices: [appRoute({ retries: { attempts: 10, perTryTimeout: perTry, retryOn: '5xx' } })] })), 5000);
const agent = keepAliveAgent();
const results: { status: number; ms: number }[] = [];
const pending: Promise<void>[] = [];
const start = Date.now();
for (let i = 0; i < rate * 3; i++) {
  const due = start + (i * 1000) / rate;
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  const t = Date.now();
  pending.push(getViaProxy(mesh.clientProxyUrl, APP_URL, agent).then((r) => { results.push({ status: r.status, ms: Date.now() - t }); }, () => { results.push({ status: 0, ms: Date.now() - t }); }));
}
await Promise.all(pending);
const by: Record<number, number> = {};
for (const r of results) by[r.status] = (by[r.status] ?? 0) + 1;
const ms = results.map((r) => r.ms).sort((a, b) => a - b);
console.log(perTry, rate, by, 'p50', ms[Math.floor(ms.length / 2)], 'p99', ms[Math.floor(ms.length * 0.99)]);
const s = (await mesh.stats())['client-sidecar'];
console.log('per_try', s[`${CLUSTER}.upstream_rq_per_try_timeout`], 'retry', s[`${CLUSTER}.upstream_rq_retry`], 'cx', (await mesh.stats())['appflaky-0.retryns']['listener.0.0.0.0_15006.downstream_cx_total']);
const log = await mesh.drainAccessLog();
for (const proxy of ['client-sidecar', 'appflaky-0.retryns']) {
  const d = log.filter((e) => e.proxy === proxy && e.flags === '-').map((e) => e.durationMs).sort((a, b) => a - b);
  const q = (p: number) => d[Math.floor(p * (d.length - 1))];
  console.log(proxy, d.length, 'p50', q(0.5), 'p90', q(0.9), 'p99', q(0.99));
}
agent.destroy(); await mesh.stop();

import { startLocalMesh } from './harness/mesh/index.ts';
import { APP_URL, behaviour, getDirect, getViaProxy, keepAliveAgent, workload } from './test/mesh/helpers.ts';
const ms = Number(process.argv[2] ?? 1);
const mesh = await startLocalMesh({ seed: 1, profile: 'istio-1.24+', threads: (process.env.THREADS ?? 'single') as 'single',  workloads: [workload({ behaviour: behaviour({ latency: { kind: 'fixed', ms } }) })] });
await mesh.waitForVersion(await mesh.applyConfig({ virtualServices: [], destinationRules: [], peerAuthentications: [], gateways: [] }), 5000);
const agent = keepAliveAgent();
const app = Object.values(mesh.appUrls)[0];
for (const [name, fn] of [['app', () => getDirect(app, '/x', agent)], ['external', () => getDirect(mesh.externalUrl('appflaky', 'retryns'), '/x', agent)], ['mesh', () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent)]] as const) {
  const times: number[] = [];
  for (let i = 0; i < 200; i++) { const t = performance.now(); await fn(); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(ms, name, 'p50', times[100].toFixed(2), 'p90', times[180].toFixed(2), 'p99', times[198].toFixed(2));
}
agent.destroy(); await mesh.stop();

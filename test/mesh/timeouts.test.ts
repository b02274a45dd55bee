/**
 * mesh-semantics §1 (per-try timeout) and §2 (route timeout), through the client sidecar
 * against an app that takes 300 ms to answer.
 */
import { expect } from 'chai';
import type http from 'node:http';
import type { LocalMeshHandle } from '../../harness/mesh/index.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import { APP_URL, appRoute, behaviour, CLUSTER, config, getViaProxy, keepAliveAgent, settle, workload } from './helpers.ts';

const SLOW = behaviour({ latency: { kind: 'fixed', ms: 300 } });

describe('mesh timeouts (mesh-semantics §1 per-try timeout, §2 route timeout)', function () {
  this.timeout(60_000);
  let mesh: LocalMeshHandle;
  let agent: http.Agent;

  before(async () => {
    mesh = await startLocalMesh({ seed: 3, profile: 'istio-1.24+', workloads: [workload({ behaviour: SLOW })] });
    agent = keepAliveAgent();
  });
  after(async () => {
    agent.destroy();
    await mesh?.stop();
  });

  async function apply(route: Parameters<typeof appRoute>[0]) {
    const version = await mesh.applyConfig(config({ virtualServices: [appRoute(route)] }));
    await mesh.waitForVersion(version, 5000);
    await mesh.resetStats();
    await mesh.drainAccessLog();
  }
  const appRequests = async () => (await mesh.stats())['appflaky-0.retryns/app']['app.requests_total'] ?? 0;

  it('§1 per-try timeout with the default retryOn: 504 "upstream request timeout", not retried', async () => {
    await apply({ retries: { attempts: 3, perTryTimeout: '50ms' } });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(504);
    expect(reply.body).to.equal('upstream request timeout');
    expect(await settle(appRequests, (n) => n >= 1)).to.equal(1);
    const stats = (await mesh.stats())['client-sidecar'];
    expect(stats[`${CLUSTER}.upstream_rq_per_try_timeout`]).to.equal(1);
    expect(stats[`${CLUSTER}.upstream_rq_retry`] ?? 0).to.equal(0);
    const [entry] = (await mesh.drainAccessLog()).filter((e) => e.proxy === 'client-sidecar');
    expect(entry).to.include({ status: 504, flags: 'UT', attempts: 1 });
  });

  it('§1 per-try timeout with retryOn 5xx: every try times out and is retried, then 504 (UT,URX)', async () => {
    await apply({ retries: { attempts: 2, perTryTimeout: '50ms', retryOn: '5xx' } });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(504);
    expect(reply.body).to.equal('upstream request timeout');
    expect(await settle(appRequests, (n) => n >= 3)).to.equal(3);
    const stats = (await mesh.stats())['client-sidecar'];
    expect(stats[`${CLUSTER}.upstream_rq_per_try_timeout`]).to.equal(3);
    expect(stats[`${CLUSTER}.upstream_rq_retry`]).to.equal(2);
  });

  it('§1 per-try timeout with retryOn gateway-error and reset also retries', async () => {
    for (const retryOn of ['gateway-error', 'reset']) {
      await apply({ retries: { attempts: 1, perTryTimeout: '50ms', retryOn } });
      expect((await getViaProxy(mesh.clientProxyUrl, APP_URL, agent)).status).to.equal(504);
      expect(await settle(appRequests, (n) => n >= 2), retryOn).to.equal(2);
    }
  });

  it('§2 route timeout: 504 "upstream request timeout" once the whole request exceeds it (UT)', async () => {
    await apply({ timeout: '80ms' });
    const started = Date.now();
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    const elapsed = Date.now() - started;
    expect(reply.status).to.equal(504);
    expect(reply.body).to.equal('upstream request timeout');
    // Well below the app's 300 ms: the sidecar gave up at the route timeout (loose bound, not a performance assertion).
    expect(elapsed).to.be.below(280);
    expect((await mesh.stats())['client-sidecar'][`${CLUSTER}.upstream_rq_timeout`]).to.equal(1);
  });

  it('§2 the route timeout covers all tries: retries stop when it expires', async () => {
    await apply({ timeout: '120ms', retries: { attempts: 10, perTryTimeout: '50ms', retryOn: '5xx' } });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(504);
    // 120 ms fits at most 3 tries of 50 ms plus back-off, far fewer than 11.
    const tries = await settle(appRequests, (n) => n >= 2);
    expect(tries).to.be.within(2, 3);
  });

  it('§1 a per-try timeout not shorter than the route timeout is ignored', async () => {
    await apply({ timeout: '80ms', retries: { attempts: 3, perTryTimeout: '100ms', retryOn: '5xx' } });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(504);
    const stats = (await mesh.stats())['client-sidecar'];
    expect(stats[`${CLUSTER}.upstream_rq_per_try_timeout`] ?? 0).to.equal(0);
    expect(stats[`${CLUSTER}.upstream_rq_timeout`]).to.equal(1);
  });
});

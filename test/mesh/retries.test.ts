/**
 * mesh-semantics §1 (retries), end to end through the client sidecar: which outcomes are
 * retried, how many upstream tries the app sees, `x-envoy-attempt-count`, and the
 * profile-dependent default retriable status codes.
 */
import { expect } from 'chai';
import type http from 'node:http';
import type { LocalMeshHandle } from '../../harness/mesh/index.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import { APP_URL, appRoute, behaviour, CLUSTER, config, getViaProxy, keepAliveAgent, many, parseAppBody, settle, workload } from './helpers.ts';

async function appRequests(mesh: LocalMeshHandle): Promise<number> {
  return (await mesh.stats())['appflaky-0.retryns/app']['app.requests_total'] ?? 0;
}

describe('mesh retries (mesh-semantics §1)', function () {
  this.timeout(60_000);
  let mesh: LocalMeshHandle;
  let agent: http.Agent;

  before(async () => {
    mesh = await startLocalMesh({ seed: 42, profile: 'istio-1.24+', workloads: [workload()] });
    agent = keepAliveAgent();
  });
  after(async () => {
    agent.destroy();
    await mesh?.stop();
  });

  async function apply(parts: Parameters<typeof config>[0], appBehaviour: Parameters<typeof behaviour>[0]) {
    const version = await mesh.applyConfig(config(parts), { appflaky: behaviour(appBehaviour) });
    await mesh.waitForVersion(version, 5000);
    await mesh.resetStats();
    await mesh.drainAccessLog();
  }

  it('§1 default policy (no VirtualService): a 500 is not retried; one upstream try with x-envoy-attempt-count 1', async () => {
    await apply({}, { failureRate: 1, failureStatus: 500 });
    const replies = await many(20, 5, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    expect(replies.map((r) => r.status)).to.deep.equal(new Array(20).fill(500));
    expect(replies.every((r) => parseAppBody(r).attemptCount === 1)).to.equal(true);
    expect(replies.every((r) => r.headers['x-envoy-attempt-count'] === undefined), 'attempt count is not returned to the client').to.equal(true);
    expect(await appRequests(mesh)).to.equal(20);
    const stats = (await mesh.stats())['client-sidecar'];
    expect(stats[`${CLUSTER}.upstream_rq_total`]).to.equal(20);
    expect(stats[`${CLUSTER}.upstream_rq_retry`] ?? 0).to.equal(0);
  });

  it('§1 retries without retryOn keep the default conditions: attempts 10 + perTryTimeout 5ms still does not retry a 500 (the lab)', async () => {
    await apply({ virtualServices: [appRoute({ retries: { attempts: 10, perTryTimeout: '5ms' } })] }, { failureRate: 1, failureStatus: 500 });
    const replies = await many(10, 5, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    // A try slower than 5 ms ends in a per-try timeout (504), which is not retried either.
    expect(replies.every((r) => r.status === 500 || r.status === 504)).to.equal(true);
    expect(await settle(() => appRequests(mesh), (n) => n >= 10)).to.equal(10);
    expect((await mesh.stats())['client-sidecar'][`${CLUSTER}.upstream_rq_retry`] ?? 0).to.equal(0);
  });

  it('§1 retryOn 5xx with attempts n: the app sees 1+n tries, attempt counts 1..n+1, then the last 500 comes back (URX)', async () => {
    await apply({ virtualServices: [appRoute({ retries: { attempts: 3, retryOn: '5xx' } })] }, { failureRate: 1, failureStatus: 500 });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(500);
    expect(parseAppBody(reply).attemptCount).to.equal(4);
    expect(await appRequests(mesh)).to.equal(4);
    const log = await mesh.drainAccessLog();
    const inbound = log.filter((e) => e.proxy === 'appflaky-0.retryns');
    expect(inbound).to.have.length(4);
    const outbound = log.filter((e) => e.proxy === 'client-sidecar');
    expect(outbound).to.have.length(1);
    expect(outbound[0]).to.include({ status: 500, attempts: 4, flags: 'URX' });
    const stats = (await mesh.stats())['client-sidecar'];
    expect(stats[`${CLUSTER}.upstream_rq_retry`]).to.equal(3);
    expect(stats[`${CLUSTER}.upstream_rq_retry_limit_exceeded`]).to.equal(1);
    expect(stats[`${CLUSTER}.upstream_rq_500`]).to.equal(4);
  });

  it('§1 retryOn 5xx, attempts 2, app failing half the time: error rate ≈ 0.5^3 = 0.125', async () => {
    await apply({ virtualServices: [appRoute({ retries: { attempts: 2, retryOn: '5xx' } })] }, { failureRate: 0.5, failureStatus: 500 });
    const replies = await many(400, 20, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    const errorRate = replies.filter((r) => r.status !== 200).length / replies.length;
    // Statistical: n = 400, sd ≈ 0.017; [0.05, 0.22] is more than 4 sd either side, and the
    // seeded PRNG makes the run reproducible anyway, so this never flakes.
    expect(errorRate).to.be.within(0.05, 0.22);
    const stats = (await mesh.stats())['client-sidecar'];
    expect(stats[`${CLUSTER}.upstream_rq_retry_success`]).to.be.greaterThan(0);
    // Every try reaches the app: total tries = requests + retries.
    expect(await appRequests(mesh)).to.equal(400 + stats[`${CLUSTER}.upstream_rq_retry`]);
  });

  it('§1 numeric retryOn codes: retryOn "503" retries a 503 but not a 500', async () => {
    await apply({ virtualServices: [appRoute({ retries: { attempts: 2, retryOn: '503' } })] }, { failureRate: 1, failureStatus: 503 });
    await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(await appRequests(mesh)).to.equal(3);
    await apply({ virtualServices: [appRoute({ retries: { attempts: 2, retryOn: '503' } })] }, { failureRate: 1, failureStatus: 500 });
    await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(await appRequests(mesh)).to.equal(1);
  });

  it('§1 [1.24+] the default policy does not retry a 503', async () => {
    await apply({}, { failureRate: 1, failureStatus: 503 });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(503);
    expect(await appRequests(mesh)).to.equal(1);
  });

  it('§1 retriable-4xx retries 409 only', async () => {
    await apply({ virtualServices: [appRoute({ retries: { attempts: 1, retryOn: 'retriable-4xx' } })] }, { failureRate: 1, failureStatus: 409 });
    await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(await appRequests(mesh)).to.equal(2);
    await apply({ virtualServices: [appRoute({ retries: { attempts: 1, retryOn: 'retriable-4xx' } })] }, { failureRate: 1, failureStatus: 404 });
    await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(await appRequests(mesh)).to.equal(1);
  });

  it('§1 resets: an app reset reaches the client sidecar as the inbound 503 (UC); retryOn 5xx retries it', async () => {
    await apply({ virtualServices: [appRoute({ retries: { attempts: 2, retryOn: '5xx' } })] }, { resetRate: 1 });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(503);
    expect(reply.body).to.contain('upstream connect error or disconnect/reset before headers');
    expect(await appRequests(mesh)).to.equal(3);
  });
});

describe('mesh retries, istio-1.22 profile (mesh-semantics §1 [1.22])', function () {
  this.timeout(60_000);
  let mesh: LocalMeshHandle;

  before(async () => {
    mesh = await startLocalMesh({ seed: 7, profile: 'istio-1.22', workloads: [workload({ behaviour: behaviour({ failureRate: 1, failureStatus: 503 }) })] });
  });
  after(async () => {
    await mesh?.stop();
  });

  it('§1 [1.22] the default policy retries a 503 twice (3 tries) but never a 500', async () => {
    const agent = keepAliveAgent();
    try {
      const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
      expect(reply.status).to.equal(503);
      expect(parseAppBody(reply).attemptCount).to.equal(3);
      expect((await mesh.stats())['appflaky-0.retryns/app']['app.requests_total']).to.equal(3);
      const version = await mesh.applyConfig(config(), { appflaky: behaviour({ failureRate: 1, failureStatus: 500 }) });
      await mesh.waitForVersion(version, 5000);
      await mesh.resetStats();
      expect((await getViaProxy(mesh.clientProxyUrl, APP_URL, agent)).status).to.equal(500);
      expect((await mesh.stats())['appflaky-0.retryns/app']['app.requests_total']).to.equal(1);
    } finally {
      agent.destroy();
    }
  });
});

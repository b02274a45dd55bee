/**
 * mesh-semantics §4: DestinationRule connectionPool limits, per client proxy and per
 * cluster, against an app that holds each request for 300 ms so concurrent requests
 * really overlap. Overflow is an immediate 503 with Envoy's body, `x-envoy-overloaded`,
 * flag UO, and is never retried.
 */
import { expect } from 'chai';
import type http from 'node:http';
import type { ConnectionPoolSettings } from '../../harness/model/istio-objects.ts';
import type { LocalMeshHandle } from '../../harness/mesh/index.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import { APP_URL, appRoute, behaviour, CLUSTER, config, destinationRule, getViaProxy, keepAliveAgent, many, settle, workload } from './helpers.ts';

const OVERFLOW_BODY = 'upstream connect error or disconnect/reset before headers. reset reason: overflow';

describe('circuit breaking (mesh-semantics §4)', function () {
  this.timeout(60_000);
  let mesh: LocalMeshHandle;
  let agent: http.Agent;

  before(async () => {
    // One worker thread, so the counts below do not depend on how connections spread over workers (connection-pool.test.ts covers that).
    mesh = await startLocalMesh({
      seed: 13,
      profile: 'istio-1.24+',
      workloads: [workload({ behaviour: behaviour({ latency: { kind: 'fixed', ms: 300 } }) })],
      client: { namespace: 'retryns', serviceAccount: 'bench-client', proxyConcurrency: 1 },
    });
    agent = keepAliveAgent();
  });
  after(async () => {
    agent.destroy();
    await mesh?.stop();
  });

  async function apply(connectionPool: ConnectionPoolSettings, retryOn?: string, appFails = false) {
    const version = await mesh.applyConfig(
      config({
        destinationRules: [destinationRule({ trafficPolicy: { connectionPool } })],
        virtualServices: retryOn ? [appRoute({ retries: { attempts: 2, retryOn } })] : [],
      }),
      { appflaky: behaviour({ latency: { kind: 'fixed', ms: 300 }, failureRate: appFails ? 1 : 0 }) },
    );
    await mesh.waitForVersion(version, 5000);
    await mesh.resetStats();
    await mesh.drainAccessLog();
  }
  const appRequests = async () => (await mesh.stats())['appflaky-0.retryns/app']['app.requests_total'] ?? 0;

  it('maxConnections 1 + http1MaxPendingRequests 1: of 5 concurrent requests 1 runs, 1 waits, 3 overflow (UO, not retried)', async () => {
    await apply({ tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } }, '5xx,reset');
    const replies = await many(5, 5, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    const overflowed = replies.filter((r) => r.status === 503);
    expect(overflowed).to.have.length(3);
    for (const r of overflowed) {
      expect(r.body).to.equal(OVERFLOW_BODY);
      expect(r.headers['x-envoy-overloaded']).to.equal('true');
    }
    expect(replies.filter((r) => r.status === 200)).to.have.length(2);
    expect(await appRequests()).to.equal(2);
    const stats = (await mesh.stats())['client-sidecar'];
    expect(stats[`${CLUSTER}.upstream_rq_pending_overflow`]).to.equal(3);
    expect(stats[`${CLUSTER}.upstream_rq_retry`] ?? 0).to.equal(0);
    const flags = (await mesh.drainAccessLog()).filter((e) => e.proxy === 'client-sidecar' && e.status === 503).map((e) => e.flags);
    expect(flags).to.deep.equal(['UO', 'UO', 'UO']);
  });

  it('http2MaxRequests caps requests in flight per cluster', async () => {
    await apply({ http: { http2MaxRequests: 2 } });
    const replies = await many(5, 5, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    expect(replies.filter((r) => r.status === 503)).to.have.length(3);
    expect(replies.filter((r) => r.status === 200)).to.have.length(2);
  });

  it('maxRequestsPerConnection 1 opens a new upstream connection for every request', async () => {
    await apply({ http: { maxRequestsPerConnection: 1 } });
    await many(4, 1, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    const sidecar = (await mesh.stats())['appflaky-0.retryns'];
    expect(sidecar['listener.0.0.0.0_15006.downstream_cx_total']).to.equal(4);
  });

  it('keep-alive by default: sequential requests reuse one upstream connection', async () => {
    await apply({ tcp: { maxConnections: 100 } });
    await many(4, 1, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    expect((await mesh.stats())['appflaky-0.retryns']['listener.0.0.0.0_15006.downstream_cx_total']).to.equal(1);
  });

  it('maxRetries caps concurrent retries per cluster: over it the original failure comes back (retry_overflow)', async () => {
    await apply({ http: { maxRetries: 1 } }, '5xx', true);
    const replies = await many(4, 4, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    expect(replies.every((r) => r.status === 500)).to.equal(true);
    const stats = (await mesh.stats())['client-sidecar'];
    expect(stats[`${CLUSTER}.upstream_rq_retry_overflow`]).to.equal(3);
    // 4 first tries + the 2 retries of the one request that held the retry slot.
    expect(await settle(appRequests, (n) => n >= 6)).to.equal(6);
  });

  it('maxRetries: the slot is held from one retry decision to the next, so one request after another each gets its retries', async () => {
    await apply({ http: { maxRetries: 1 } }, '5xx', true);
    const replies = await many(3, 1, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    expect(replies.map((r) => r.status)).to.deep.equal([500, 500, 500]);
    const stats = (await mesh.stats())['client-sidecar'];
    expect(stats[`${CLUSTER}.upstream_rq_retry_overflow`] ?? 0).to.equal(0);
    expect(stats[`${CLUSTER}.upstream_rq_retry`]).to.equal(6);
    expect(await settle(appRequests, (n) => n >= 9)).to.equal(9);
  });
});

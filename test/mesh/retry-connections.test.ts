/**
 * mesh-semantics §1: a retried response that has a body resets its upstream stream, and a
 * reset HTTP/1.1 stream closes its connection, so every such retry costs the client
 * sidecar a new connection (`upstream_cx_total`, `upstream_cx_destroy_local_with_active_rq`);
 * the new mutual-TLS connections resume the TLS session of the previous one.
 */
import { expect } from 'chai';
import type http from 'node:http';
import type { LocalMeshHandle } from '../../harness/mesh/index.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import { APP_URL, appRoute, behaviour, CLUSTER, config, getViaProxy, keepAliveAgent, many, workload } from './helpers.ts';

const SERVER = 'appflaky-0.retryns';

describe('retries and upstream connections (mesh-semantics §1)', function () {
  this.timeout(60_000);
  let mesh: LocalMeshHandle;
  let agent: http.Agent;

  before(async () => {
    mesh = await startLocalMesh({ seed: 8, profile: 'istio-1.24+', workloads: [workload()], client: { namespace: 'retryns', serviceAccount: 'bench-client', proxyConcurrency: 1 } });
    agent = keepAliveAgent();
  });
  after(async () => {
    agent.destroy();
    await mesh?.stop();
  });

  async function apply(failureRate: number, retryOn = '5xx') {
    const version = await mesh.applyConfig(config({ virtualServices: [appRoute({ retries: { attempts: 3, retryOn } })] }), { appflaky: behaviour({ failureRate, failureStatus: 500 }) });
    await mesh.waitForVersion(version, 5000);
    await mesh.resetStats();
  }

  it('each retried 500 with a body closes its connection: 5 requests × 3 retries open 16 connections, 15 reset locally', async () => {
    await apply(1);
    const replies = await many(5, 1, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    expect(replies.map((r) => r.status)).to.deep.equal([500, 500, 500, 500, 500]);
    const stats = await mesh.stats();
    const client = stats['client-sidecar'];
    expect(client[`${CLUSTER}.upstream_rq_retry`]).to.equal(15);
    expect(client[`${CLUSTER}.upstream_cx_destroy_local_with_active_rq`]).to.equal(15);
    // The first connection, one per retried response, and none for the final 500 (relayed, kept alive).
    expect(client[`${CLUSTER}.upstream_cx_total`]).to.equal(16);
    expect(stats[SERVER]['listener.0.0.0.0_15006.downstream_cx_total']).to.equal(16);
    // Resumed sessions keep the reconnects cheap (Envoy's upstream TLS does the same).
    expect(stats[SERVER]['ssl.session_reused']).to.be.at.least(14);
  });

  it('responses that are not retried keep their connection', async () => {
    await apply(0);
    await many(5, 1, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    const client = (await mesh.stats())['client-sidecar'];
    // The previous test's last connection is still idle and serves all five.
    expect(client[`${CLUSTER}.upstream_cx_total`] ?? 0).to.be.at.most(1);
    expect(client[`${CLUSTER}.upstream_cx_destroy_local_with_active_rq`] ?? 0).to.equal(0);
  });
});

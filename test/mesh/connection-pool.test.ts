/**
 * mesh-semantics §4 on the wire: how many upstream connections the client sidecar really
 * opens under `maxConnections`, one pool per worker thread (`concurrency`), and what a
 * waiting request is (pending until a connection is handed to it, one waiter per freed
 * connection). Connections are counted where they arrive: the server sidecar's listener.
 */
import { expect } from 'chai';
import type http from 'node:http';
import type { ConnectionPoolSettings } from '../../harness/model/istio-objects.ts';
import type { LocalMeshHandle } from '../../harness/mesh/index.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import { APP_URL, behaviour, CLUSTER, config, destinationRule, getViaProxy, many, workload } from './helpers.ts';
import httpModule from 'node:http';

const SERVER = 'appflaky-0.retryns';
const ACCEPTED = 'listener.0.0.0.0_15006.downstream_cx_total';

async function meshWith(proxyConcurrency: number | undefined): Promise<LocalMeshHandle> {
  return startLocalMesh({
    seed: 21,
    profile: 'istio-1.24+',
    workloads: [workload({ behaviour: behaviour({ latency: { kind: 'fixed', ms: 60 } }) })],
    client: { namespace: 'retryns', serviceAccount: 'bench-client', ...(proxyConcurrency !== undefined && { proxyConcurrency }) },
  });
}

async function apply(mesh: LocalMeshHandle, connectionPool: ConnectionPoolSettings): Promise<void> {
  const version = await mesh.applyConfig(config({ destinationRules: [destinationRule({ trafficPolicy: { connectionPool } })] }));
  await mesh.waitForVersion(version, 5000);
  await mesh.resetStats();
}

/** Every request on its own downstream connection, as many load-generator VUs do. */
function freshAgent(): http.Agent {
  return new httpModule.Agent({ keepAlive: true, maxSockets: 64 });
}

describe('connection pools (mesh-semantics §4)', function () {
  this.timeout(60_000);

  describe('one worker', () => {
    let mesh: LocalMeshHandle;
    let agent: http.Agent;
    before(async () => {
      mesh = await meshWith(1);
      agent = freshAgent();
    });
    after(async () => {
      agent.destroy();
      await mesh?.stop();
    });

    it('maxConnections 1 with the default pending queue: one connection, everything else waits for it', async () => {
      await apply(mesh, { tcp: { maxConnections: 1 } });
      const replies = await many(16, 16, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      expect(replies.map((r) => r.status)).to.deep.equal(new Array(16).fill(200));
      const stats = await mesh.stats();
      expect(stats[SERVER][ACCEPTED]).to.equal(1);
      expect(stats['client-sidecar'][`${CLUSTER}.upstream_cx_total`]).to.equal(1);
      expect(stats['client-sidecar'][`${CLUSTER}.upstream_rq_pending_total`]).to.equal(15);
    });

    it('maxConnections 3: never more than 3 connections however many requests wait', async () => {
      await apply(mesh, { tcp: { maxConnections: 3 } });
      // Fresh connections each round would hide reuse; the previous test's idle connection is gone with the old cluster.
      await many(24, 24, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      expect((await mesh.stats())[SERVER][ACCEPTED]).to.be.at.most(3);
    });

    it('http2MaxRequests counts requests on a connection, not waiting ones: with one connection, a pending queue of 2 and a cap of 1 nothing overflows', async () => {
      await apply(mesh, { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 2, http2MaxRequests: 1 } });
      const replies = await many(3, 3, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      expect(replies.map((r) => r.status)).to.deep.equal([200, 200, 200]);
    });
  });

  describe('two workers (Istio sidecar default concurrency)', () => {
    let mesh: LocalMeshHandle;
    let agent: http.Agent;
    before(async () => {
      mesh = await meshWith(undefined);
      agent = freshAgent();
    });
    after(async () => {
      agent.destroy();
      await mesh?.stop();
    });

    it('maxConnections 1 means one connection per worker: a worker without one opens it past the cap (upstream_cx_overflow)', async () => {
      await apply(mesh, { tcp: { maxConnections: 1 } });
      const replies = await many(16, 16, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      expect(replies.every((r) => r.status === 200)).to.equal(true);
      const stats = await mesh.stats();
      // 16 downstream connections spread over 2 workers by seeded choice: both get some.
      expect(stats[SERVER][ACCEPTED]).to.equal(2);
      expect(stats['client-sidecar'][`${CLUSTER}.upstream_cx_total`]).to.equal(2);
      expect(stats['client-sidecar'][`${CLUSTER}.upstream_cx_overflow`]).to.be.greaterThan(0);
    });

    it('maxConnections 1 + http1MaxPendingRequests 1 (limits shared by the workers): 12 concurrent requests, 2 run, 1 waits, 9 overflow', async () => {
      await apply(mesh, { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } });
      const replies = await many(12, 12, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      expect(replies.filter((r) => r.status === 200)).to.have.length(3);
      expect(replies.filter((r) => r.status === 503)).to.have.length(9);
    });
  });
});

/**
 * mesh-semantics §6 (PeerAuthentication, real mutual TLS) and §7 (why in-mesh and external
 * differ): STRICT closes plaintext connections without an HTTP answer while mesh traffic,
 * verified by certificates from the run's CA, gets through with the client's SPIFFE identity.
 */
import { expect } from 'chai';
import type http from 'node:http';
import type { LocalMeshHandle } from '../../harness/mesh/index.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import { APP_URL, config, destinationRule, getDirect, getViaProxy, keepAliveAgent, many, parseAppBody, peerAuthentication, rawHttpExchange, workload } from './helpers.ts';

const CLIENT_ID = 'spiffe://cluster.local/ns/retryns/sa/bench-client';

describe('mesh mTLS (mesh-semantics §6)', function () {
  this.timeout(60_000);
  let mesh: LocalMeshHandle;
  let agent: http.Agent;

  before(async () => {
    mesh = await startLocalMesh({ seed: 5, profile: 'istio-1.24+', workloads: [workload()] });
    agent = keepAliveAgent();
  });
  after(async () => {
    agent.destroy();
    await mesh?.stop();
  });

  async function apply(parts: Parameters<typeof config>[0]) {
    const version = await mesh.applyConfig(config(parts));
    await mesh.waitForVersion(version, 5000);
    await mesh.resetStats();
    await mesh.drainAccessLog();
  }

  it('§6 STRICT: a plaintext external caller gets its connection reset (RST, flag NR) with no HTTP response', async () => {
    await apply({ peerAuthentications: [peerAuthentication({ mtls: { mode: 'STRICT' } })] });
    const exchange = await rawHttpExchange(mesh.externalUrl('appflaky', 'retryns'), '/unstable-endpoint');
    expect(exchange.received).to.equal('');
    // k6 reports a reset as error code 1220 ("connection reset by peer"), a graceful close as 1000 (EOF).
    expect(exchange.ended).to.equal('reset');
    const rejected = (await mesh.drainAccessLog()).filter((e) => e.proxy === 'appflaky-0.retryns');
    expect(rejected.map((e) => ({ status: e.status, flags: e.flags }))).to.deep.equal([{ status: 0, flags: 'NR' }]);
    const sidecar = (await mesh.stats())['appflaky-0.retryns'];
    expect(sidecar['listener.0.0.0.0_15006.no_filter_chain_match']).to.equal(1);
    expect(sidecar['listener.0.0.0.0_15006.plaintext_rejected_strict']).to.equal(1);
    expect((await mesh.stats())['appflaky-0.retryns/app']['app.requests_total'] ?? 0).to.equal(0);
  });

  it('§6 STRICT: in-mesh traffic works over real mutual TLS and the server sees the client SPIFFE identity', async () => {
    await apply({ peerAuthentications: [peerAuthentication({ mtls: { mode: 'STRICT' } })] });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(200);
    expect(parseAppBody(reply).forwardedClientCert).to.contain(`URI=${CLIENT_ID}`);
    const inbound = (await mesh.drainAccessLog()).filter((e) => e.proxy === 'appflaky-0.retryns');
    expect(inbound.map((e) => e.peerIdentity)).to.deep.equal([CLIENT_ID]);
    expect((await mesh.stats())['appflaky-0.retryns']['ssl.handshake']).to.be.greaterThan(0);
  });

  it('§6 every new connection (resumed TLS sessions included) still carries the verified client identity', async () => {
    await apply({
      peerAuthentications: [peerAuthentication({ mtls: { mode: 'STRICT' } })],
      destinationRules: [destinationRule({ trafficPolicy: { connectionPool: { http: { maxRequestsPerConnection: 1 } } } })],
    });
    const replies = await many(6, 1, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    expect(replies.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    for (const reply of replies) expect(parseAppBody(reply).forwardedClientCert).to.contain(`URI=${CLIENT_ID}`);
    const sidecar = (await mesh.stats())['appflaky-0.retryns'];
    expect(sidecar['listener.0.0.0.0_15006.downstream_cx_total']).to.equal(6);
    // Sequential connections: each one after the first resumes the session whose ticket came with the previous answer.
    expect(sidecar['ssl.session_reused']).to.equal(5);
  });

  it('§6 PERMISSIVE accepts both: external plaintext (no identity) and in-mesh mTLS', async () => {
    await apply({ peerAuthentications: [peerAuthentication({ mtls: { mode: 'PERMISSIVE' } })] });
    const external = await getDirect(mesh.externalUrl('appflaky', 'retryns'), '/unstable-endpoint', agent);
    expect(external.status).to.equal(200);
    expect(parseAppBody(external).forwardedClientCert).to.equal(undefined);
    const inMesh = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(inMesh.status).to.equal(200);
    expect(parseAppBody(inMesh).forwardedClientCert).to.contain(`URI=${CLIENT_ID}`);
  });

  it('§6 no PeerAuthentication at all behaves as PERMISSIVE', async () => {
    await apply({});
    expect((await getDirect(mesh.externalUrl('appflaky', 'retryns'), '/x', agent)).status).to.equal(200);
  });

  it('§6 DISABLE: auto mTLS sends plaintext, so in-mesh works without an identity', async () => {
    await apply({ peerAuthentications: [peerAuthentication({ mtls: { mode: 'DISABLE' } })] });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(200);
    expect(parseAppBody(reply).forwardedClientCert).to.equal(undefined);
  });

  it('§6 a DestinationRule tls DISABLE beats auto mTLS: STRICT then resets the client sidecar (503 UC)', async () => {
    await apply({
      peerAuthentications: [peerAuthentication({ mtls: { mode: 'STRICT' } })],
      destinationRules: [destinationRule({ trafficPolicy: { tls: { mode: 'DISABLE' } } })],
    });
    const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
    expect(reply.status).to.equal(503);
    expect(reply.body).to.contain('upstream connect error or disconnect/reset before headers');
  });

  it('§6 workload selector beats namespace policy, and portLevelMtls keys are container ports', async () => {
    await apply({
      peerAuthentications: [
        peerAuthentication({ mtls: { mode: 'STRICT' } }),
        peerAuthentication({ selector: { matchLabels: { app: 'appflaky' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '5000': { mode: 'PERMISSIVE' } } }, 'appflaky-ports'),
      ],
    });
    expect((await getDirect(mesh.externalUrl('appflaky', 'retryns'), '/x', agent)).status).to.equal(200);
  });
});

/**
 * VirtualService routing (hosts, gateways, ordered match rules, subsets, weights),
 * fault injection (mesh-semantics §3), outlier detection on live traffic (§5), the
 * ingress gateway (§7) and load balancing over replicas with previous_hosts (§1), on
 * appflaky deployed as v1 (2 replicas) and v2 (1 replica) behind one Service.
 */
import { expect } from 'chai';
import type http from 'node:http';
import type { IstioConfig } from '../../harness/model/istio-objects.ts';
import type { LocalMeshHandle } from '../../harness/mesh/index.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import type { AppBehaviour } from '../../harness/model/plan.ts';
import {
  APP_HOST,
  APP_URL,
  appRoute,
  behaviour,
  CLUSTER,
  config,
  destinationRule,
  gateway,
  getDirect,
  getViaProxy,
  keepAliveAgent,
  loadBalancerPolicy,
  many,
  parseAppBody,
  SUBSETS,
  versionedWorkloads,
  virtualService,
} from './helpers.ts';

const to = (subset: string) => ({ destination: { host: APP_HOST, subset } });

describe('traffic management on the local mesh', function () {
  this.timeout(60_000);
  let mesh: LocalMeshHandle;
  let agent: http.Agent;

  before(async () => {
    mesh = await startLocalMesh({ seed: 11, profile: 'istio-1.24+', workloads: versionedWorkloads() });
    agent = keepAliveAgent();
  });
  after(async () => {
    agent.destroy();
    await mesh?.stop();
  });

  async function apply(parts: Partial<IstioConfig>, overrides: Record<string, Partial<AppBehaviour>> = {}) {
    const version = await mesh.applyConfig(config(parts), overrides);
    await mesh.waitForVersion(version, 5000);
    await mesh.resetStats();
    await mesh.drainAccessLog();
  }
  const replicaOf = async (url = APP_URL, headers: Record<string, string> = {}) => parseAppBody(await getViaProxy(mesh.clientProxyUrl, url, agent, headers)).replica;

  describe('VirtualService routing', () => {
    it('one Service spans both Deployments; loadBalancer ROUND_ROBIN cycles over its 3 endpoints', async () => {
      await apply({ destinationRules: [destinationRule({ trafficPolicy: loadBalancerPolicy('ROUND_ROBIN') })] });
      const replicas = await many(6, 1, () => replicaOf());
      expect(new Set(replicas)).to.deep.equal(new Set(['appflaky-v1-0.retryns', 'appflaky-v1-1.retryns', 'appflaky-v2-0.retryns']));
      expect(replicas.slice(0, 3)).to.deep.equal(replicas.slice(3, 6));
    });

    it('ordered match rules: uri prefix/exact/regex, headers and method pick the subset; first match wins', async () => {
      await apply({
        destinationRules: [destinationRule({ subsets: SUBSETS })],
        virtualServices: [
          virtualService({
            http: [
              { match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [to('v2')] },
              { match: [{ uri: { exact: '/v2-exact' } }, { uri: { regex: '/re/[0-9]+' } }], route: [to('v2')] },
              { match: [{ uri: { prefix: '/v2/' }, method: { exact: 'GET' } }], route: [to('v2')] },
              { route: [to('v1')] },
            ],
          }),
        ],
      });
      expect(await replicaOf(`http://${APP_HOST}/v2-exact`)).to.equal('appflaky-v2-0.retryns');
      expect(await replicaOf(`http://${APP_HOST}/v2-exact?q=1`), 'exact ignores the query').to.equal('appflaky-v2-0.retryns');
      expect(await replicaOf(`http://${APP_HOST}/re/42`)).to.equal('appflaky-v2-0.retryns');
      expect(await replicaOf(`http://${APP_HOST}/re/x`)).to.match(/appflaky-v1/);
      expect(await replicaOf(`http://${APP_HOST}/v2/anything`)).to.equal('appflaky-v2-0.retryns');
      expect(await replicaOf(APP_URL, { 'x-canary': 'yes' })).to.equal('appflaky-v2-0.retryns');
      expect(await replicaOf(APP_URL)).to.match(/appflaky-v1/);
    });

    it('no matching route: 404 NR; unknown subset: 503 NC', async () => {
      await apply({
        destinationRules: [destinationRule({ subsets: SUBSETS })],
        virtualServices: [virtualService({ http: [{ match: [{ uri: { prefix: '/only' } }], route: [to('v1')] }, { match: [{ uri: { prefix: '/ghost' } }], route: [to('v9')] }] })],
      });
      expect((await getViaProxy(mesh.clientProxyUrl, APP_URL, agent)).status).to.equal(404);
      expect((await getViaProxy(mesh.clientProxyUrl, `http://${APP_HOST}/ghost`, agent)).status).to.equal(503);
      const flags = (await mesh.drainAccessLog()).filter((e) => e.proxy === 'client-sidecar').map((e) => e.flags);
      expect(flags).to.deep.equal(['NR', 'NC']);
    });

    it('weights split traffic between subsets (statistical: 600 requests at 25 %, interval [0.15, 0.35] ≈ ±5 sd)', async () => {
      await apply({
        destinationRules: [destinationRule({ subsets: SUBSETS })],
        virtualServices: [virtualService({ http: [{ route: [{ ...to('v1'), weight: 75 }, { ...to('v2'), weight: 25 }] }] })],
      });
      const replicas = await many(600, 20, () => replicaOf());
      const v2Share = replicas.filter((r) => r === 'appflaky-v2-0.retryns').length / replicas.length;
      expect(v2Share).to.be.within(0.15, 0.35);
    });

    it('§1 previous_hosts: a retry goes to another endpoint than the one that failed', async () => {
      await apply({ virtualServices: [appRoute({ retries: { attempts: 1, retryOn: '5xx' } })] }, { 'appflaky-v2': behaviour({ failureRate: 1 }) });
      const replies = await many(30, 3, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      expect(replies.every((r) => r.status === 200)).to.equal(true);
      expect((await mesh.stats())['client-sidecar'][`${CLUSTER}.upstream_rq_retry`]).to.be.greaterThan(0);
    });
  });

  describe('fault injection (mesh-semantics §3)', () => {
    it('abort: httpStatus with body "fault filter abort" (FI); the app is never called and the abort is never retried', async () => {
      await apply({ virtualServices: [appRoute({ fault: { abort: { httpStatus: 503, percentage: { value: 100 } } }, retries: { attempts: 3, retryOn: '5xx,503' } })] });
      const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
      expect(reply.status).to.equal(503);
      expect(reply.body).to.equal('fault filter abort');
      const stats = await mesh.stats();
      expect(stats['client-sidecar']['http.outbound_0.0.0.0_80.fault.aborts_injected']).to.equal(1);
      expect(stats['client-sidecar'][`${CLUSTER}.upstream_rq_total`] ?? 0).to.equal(0);
      const [entry] = await mesh.drainAccessLog();
      expect(entry).to.include({ proxy: 'client-sidecar', flags: 'FI', attempts: 0 });
    });

    it('delay is outside the route timeout: a 150 ms delay with a 50 ms route timeout still succeeds (DI)', async () => {
      await apply({ virtualServices: [appRoute({ timeout: '50ms', fault: { delay: { fixedDelay: '150ms', percentage: { value: 100 } } } })] });
      const started = Date.now();
      const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
      expect(reply.status).to.equal(200);
      expect(Date.now() - started).to.be.at.least(145);
      const [entry] = (await mesh.drainAccessLog()).filter((e) => e.proxy === 'client-sidecar');
      expect(entry.flags).to.equal('DI');
    });

    it('delay first, then abort: both flags, and the answer comes after the delay', async () => {
      await apply({ virtualServices: [appRoute({ fault: { delay: { fixedDelay: '80ms', percentage: { value: 100 } }, abort: { httpStatus: 418, percentage: { value: 100 } } } })] });
      const started = Date.now();
      expect((await getViaProxy(mesh.clientProxyUrl, APP_URL, agent)).status).to.equal(418);
      expect(Date.now() - started).to.be.at.least(75);
      expect((await mesh.drainAccessLog())[0].flags).to.equal('DI,FI');
    });

    it('a fault without percentage injects nothing; the external vantage never sees faults (§7)', async () => {
      await apply({ virtualServices: [appRoute({ fault: { abort: { httpStatus: 500 } } })] });
      expect((await getViaProxy(mesh.clientProxyUrl, APP_URL, agent)).status).to.equal(200);
      await apply({ virtualServices: [appRoute({ fault: { abort: { httpStatus: 500, percentage: { value: 100 } } } })] });
      expect((await getViaProxy(mesh.clientProxyUrl, APP_URL, agent)).status).to.equal(500);
      expect((await getDirect(mesh.externalUrl('appflaky', 'retryns'), '/unstable-endpoint', agent)).status).to.equal(200);
    });

    it('percentage.value aborts that share of requests (statistical: 400 at 50 %, interval [0.38, 0.62] ≈ ±5 sd)', async () => {
      await apply({ virtualServices: [appRoute({ fault: { abort: { httpStatus: 500, percentage: { value: 50 } } } })] });
      const replies = await many(400, 20, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      expect(replies.filter((r) => r.status === 500).length / 400).to.be.within(0.38, 0.62);
    });
  });

  describe('outlier detection on live traffic (mesh-semantics §5)', () => {
    it('with maxEjectionPercent 100 the failing v2 endpoint is ejected after consecutive5xxErrors and traffic goes to v1', async () => {
      await apply(
        // Round robin, so the counts below do not depend on random host draws.
        { destinationRules: [destinationRule({ trafficPolicy: loadBalancerPolicy('ROUND_ROBIN', { outlierDetection: { consecutive5xxErrors: 2, interval: '1s', baseEjectionTime: '1m', maxEjectionPercent: 100 } }) })] },
        { 'appflaky-v2': behaviour({ failureRate: 1 }) },
      );
      const replies = await many(30, 1, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      // Round robin reaches v2 at most twice before it is ejected; every later answer is v1's.
      expect(replies.filter((r) => r.status === 500).length).to.equal(2);
      expect(replies.slice(-20).every((r) => r.status === 200)).to.equal(true);
      const stats = (await mesh.stats())['client-sidecar'];
      expect(stats[`${CLUSTER}.outlier_detection.ejections_active`]).to.equal(1);
      expect(stats[`${CLUSTER}.outlier_detection.ejections_enforced_total`]).to.equal(1);
    });

    it('with the default maxEjectionPercent (10 %) and 3 endpoints nothing is ejected', async () => {
      await apply(
        { destinationRules: [destinationRule({ trafficPolicy: loadBalancerPolicy('ROUND_ROBIN', { outlierDetection: { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '1m' } }) })] },
        { 'appflaky-v2': behaviour({ failureRate: 1 }) },
      );
      const replies = await many(30, 1, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      expect(replies.filter((r) => r.status === 500).length).to.equal(10);
      expect((await mesh.stats())['client-sidecar'][`${CLUSTER}.outlier_detection.ejections_overflow`]).to.be.greaterThan(0);
    });

    it('every endpoint of a subset ejected: 503 "no healthy upstream" (UH)', async () => {
      await apply(
        {
          destinationRules: [destinationRule({ subsets: SUBSETS, trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1, baseEjectionTime: '1m', maxEjectionPercent: 100 } } })],
          virtualServices: [virtualService({ http: [{ route: [to('v2')] }] })],
        },
        { 'appflaky-v2': behaviour({ failureRate: 1 }) },
      );
      expect((await getViaProxy(mesh.clientProxyUrl, APP_URL, agent)).status).to.equal(500);
      const reply = await getViaProxy(mesh.clientProxyUrl, APP_URL, agent);
      expect(reply.status).to.equal(503);
      expect(reply.body).to.equal('no healthy upstream');
      expect((await mesh.drainAccessLog()).filter((e) => e.proxy === 'client-sidecar').at(-1)?.flags).to.equal('UH');
    });
  });

  describe('ingress gateway (mesh-semantics §7)', () => {
    const benchGateway = gateway({ selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['bench.example.com'] }] });

    it('gatewayUrl() is undefined without a Gateway', async () => {
      await apply({});
      expect(mesh.gatewayUrl()).to.equal(undefined);
    });

    it('a VirtualService bound to the Gateway applies there; the mesh-only one does not', async () => {
      await apply({
        gateways: [benchGateway],
        virtualServices: [
          virtualService({ hosts: ['bench.example.com'], gateways: ['bench-gateway'], http: [{ fault: { abort: { httpStatus: 418, percentage: { value: 100 } } }, route: [{ destination: { host: 'appflaky' } }] }] }, 'at-gateway'),
          appRoute({ fault: { abort: { httpStatus: 500, percentage: { value: 100 } } } }),
        ],
      });
      const gatewayUrl = mesh.gatewayUrl();
      expect(gatewayUrl).to.be.a('string');
      expect((await getDirect(gatewayUrl!, '/unstable-endpoint', agent, { host: 'bench.example.com' })).status).to.equal(418);
      expect((await getViaProxy(mesh.clientProxyUrl, APP_URL, agent)).status).to.equal(500);
      expect((await getDirect(gatewayUrl!, '/unstable-endpoint', agent, { host: 'other.example.com' })).status).to.equal(404);
    });

    it('the gateway routes to the app over mTLS with its own identity', async () => {
      await apply({
        gateways: [benchGateway],
        virtualServices: [virtualService({ hosts: ['bench.example.com'], gateways: ['bench-gateway'], http: [{ route: [{ destination: { host: 'appflaky', port: { number: 80 } } }] }] }, 'at-gateway')],
      });
      const reply = await getDirect(mesh.gatewayUrl()!, '/unstable-endpoint', agent, { host: 'bench.example.com' });
      expect(reply.status).to.equal(200);
      expect(parseAppBody(reply).forwardedClientCert).to.contain('URI=spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
    });
  });
});

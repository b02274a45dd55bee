/**
 * Host choice on the wire (mesh-semantics §4, Istio's default LEAST_REQUEST): Envoy's
 * power of two choices sends fewer requests to a replica that holds them longer, where
 * round robin gives every replica the same share whatever its speed. A DestinationRule's
 * `loadBalancer.simple` picks ROUND_ROBIN or RANDOM instead.
 */
import { expect } from 'chai';
import type http from 'node:http';
import type { IstioConfig } from '../../harness/model/istio-objects.ts';
import type { LocalMeshHandle } from '../../harness/mesh/index.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import { APP_URL, behaviour, config, destinationRule, getViaProxy, keepAliveAgent, loadBalancerPolicy, many, parseAppBody, versionedWorkloads } from './helpers.ts';

const SLOW = 'appflaky-v2-0.retryns';

describe('load balancing (mesh-semantics §4)', function () {
  this.timeout(60_000);
  let mesh: LocalMeshHandle;
  let agent: http.Agent;

  before(async () => {
    // v1 (2 replicas) answers at once; v2 (1 replica) holds every request for 400 ms.
    const workloads = versionedWorkloads().map((w) => (w.name === 'appflaky-v2' ? { ...w, behaviour: behaviour({ latency: { kind: 'fixed', ms: 400 } }) } : w));
    mesh = await startLocalMesh({ seed: 17, profile: 'istio-1.24+', workloads });
    agent = keepAliveAgent();
  });
  after(async () => {
    agent.destroy();
    await mesh?.stop();
  });

  async function replicasUnderLoad(parts: Partial<IstioConfig>): Promise<string[]> {
    const version = await mesh.applyConfig(config(parts));
    await mesh.waitForVersion(version, 5000);
    const replies = await many(90, 6, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
    expect(replies.every((r) => r.status === 200)).to.equal(true);
    return replies.map((r) => parseAppBody(r).replica ?? '');
  }

  it('default (LEAST_REQUEST): the slow replica, busy with its requests, gets far less than a third', async () => {
    const replicas = await replicasUnderLoad({});
    const slow = replicas.filter((r) => r === SLOW).length;
    // Round robin gives it exactly 30 of 90. Two random choices send it a request only when
    // both draws land on it or the other host is at least as busy: 15 on a 2-core machine.
    expect(slow).to.be.greaterThan(0);
    expect(slow).to.be.lessThan(24);
  });

  it('ROUND_ROBIN: every replica gets the same share, the slow one too', async () => {
    const replicas = await replicasUnderLoad({ destinationRules: [destinationRule({ trafficPolicy: loadBalancerPolicy('ROUND_ROBIN') })] });
    expect(replicas.filter((r) => r === SLOW)).to.have.length(30);
  });

  it('RANDOM: load is ignored, the slow replica gets about a third', async () => {
    const replicas = await replicasUnderLoad({ destinationRules: [destinationRule({ trafficPolicy: loadBalancerPolicy('RANDOM') })] });
    // Binomial(90, 1/3): mean 30, sd 4.5; [15, 45] is more than 3 sd either side.
    const slow = replicas.filter((r) => r === SLOW).length;
    expect(slow).to.be.within(15, 45);
    expect(new Set(replicas).size).to.equal(3);
  });
});

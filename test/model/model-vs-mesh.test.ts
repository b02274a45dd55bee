/**
 * The expected-outcome model against the local mesh, across a grid of retry, fault and
 * timeout settings: for each, requests go through the real client sidecar and the observed
 * success rate must agree with `predict()`.
 *
 * Tolerance: 400 requests per setting, |observed − predicted| ≤ 4.5 sd (sd = √(p(1−p)/n))
 * + 0.02. A correct mesh misses 4.5 sd about once in 150 000 settings, and the mesh is
 * seeded, so the draws repeat; the 0.02 absorbs the timing the model idealises (timer
 * granularity around a cut-off). A policy that does not apply is off by 0.25 or more.
 */
import type http from 'node:http';
import { expect } from 'chai';
import { predict } from '../../harness/istio/outcome/expected-outcome.ts';
import type { HttpRoute, IstioConfig } from '../../harness/model/istio-objects.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import type { LocalMesh } from '../../harness/mesh/api.ts';
import type { AppBehaviour, WorkloadSpec } from '../../harness/model/plan.ts';
import { APP_URL, appRoute, behaviour, config, getViaProxy, keepAliveAgent, many, versionedWorkloads, workload } from '../mesh/helpers.ts';

interface Setting {
  name: string;
  behaviour: Partial<AppBehaviour>;
  route?: Omit<HttpRoute, 'route'>;
}

const GRID: Setting[] = [
  { name: 'no policy, 50% 500s', behaviour: { failureRate: 0.5 } },
  { name: 'attempts 3 without retryOn, 50% 500s', behaviour: { failureRate: 0.5 }, route: { retries: { attempts: 3 } } },
  { name: 'retryOn 5xx, attempts 1, 50% 500s', behaviour: { failureRate: 0.5 }, route: { retries: { attempts: 1, retryOn: '5xx' } } },
  { name: 'retryOn 5xx, attempts 2, 70% 503s', behaviour: { failureRate: 0.7, failureStatus: 503 }, route: { retries: { attempts: 2, retryOn: '5xx' } } },
  { name: 'retryOn gateway-error does not cover 500', behaviour: { failureRate: 0.4 }, route: { retries: { attempts: 2, retryOn: 'gateway-error' } } },
  { name: 'retryOn 503 (a status code) covers 503', behaviour: { failureRate: 0.5, failureStatus: 503 }, route: { retries: { attempts: 2, retryOn: '503' } } },
  { name: 'fault abort 30%, never retried', behaviour: { failureRate: 0 }, route: { fault: { abort: { httpStatus: 503, percentage: { value: 30 } } }, retries: { attempts: 3, retryOn: '5xx' } } },
  { name: 'fault abort 20% composed with 50% 500s retried once', behaviour: { failureRate: 0.5 }, route: { fault: { abort: { httpStatus: 500, percentage: { value: 20 } } }, retries: { attempts: 1, retryOn: '5xx' } } },
  { name: 'route timeout 40 ms over uniform 0-80 ms latency', behaviour: { latency: { kind: 'uniform', minMs: 0, maxMs: 80 } }, route: { timeout: '40ms', retries: { attempts: 0 } } },
  // An app's reset reaches the client sidecar as the server sidecar's 503, not as a reset.
  { name: 'retryOn reset does not retry an app reset (a 503 by then)', behaviour: { resetRate: 0.5 }, route: { retries: { attempts: 2, retryOn: 'reset' } } },
  { name: 'retryOn 503 retries an app reset', behaviour: { resetRate: 0.5 }, route: { retries: { attempts: 2, retryOn: '503' } } },
];

const REQUESTS = 400;

/** The observed success share must agree with a predicted value, or lie within predicted bounds, up to the tolerance above. */
function expectAgreement(prediction: ReturnType<typeof predict>, observed: number): void {
  const describe = (p: number) => `${prediction.formula}: predicted ${p.toFixed(4)}, observed ${observed.toFixed(3)}`;
  const tolerance = (p: number) => 4.5 * Math.sqrt((p * (1 - p)) / REQUESTS) + 0.02;
  if (prediction.successProbability !== undefined) {
    const p = prediction.successProbability;
    expect(Math.abs(observed - p), describe(p)).to.be.at.most(tolerance(p));
    return;
  }
  const { min, max } = prediction.successBounds ?? { min: 0, max: 1 };
  expect(observed, describe(min)).to.be.at.least(min - tolerance(min));
  expect(observed, describe(max)).to.be.at.most(max + tolerance(max));
}

describe('expected-outcome model vs the local mesh (grid)', function () {
  this.timeout(120_000);
  let mesh: LocalMesh;
  let agent: http.Agent;
  let base: WorkloadSpec;

  before(async () => {
    base = workload({ behaviour: behaviour() });
    mesh = await startLocalMesh({ seed: 11, profile: 'istio-1.24+', workloads: [base] });
    agent = keepAliveAgent();
  });
  after(async () => {
    agent.destroy();
    await mesh.stop();
  });

  for (const setting of GRID) {
    it(setting.name, async () => {
      const stageConfig: IstioConfig = setting.route ? config({ virtualServices: [appRoute(setting.route)] }) : config();
      const stageBehaviour = { [base.name]: setting.behaviour };
      await mesh.waitForVersion(await mesh.applyConfig(stageConfig, stageBehaviour), 5000);
      const prediction = predict({ config: stageConfig, workloads: [base], profile: 'istio-1.24+', vantage: 'in-mesh', url: APP_URL, behaviour: stageBehaviour });
      expect(prediction.modelled, prediction.notes.join('; ')).to.equal(true);

      const replies = await many(REQUESTS, 4, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      const observed = replies.filter((r) => r.status >= 200 && r.status < 400).length / REQUESTS;
      expectAgreement(prediction, observed);
    });
  }
});

/**
 * One Service over appflaky-v1 (2 replicas) and appflaky-v2 (1 replica) behaving
 * differently: Istio's `previous_hosts` sends a retry to a host not tried yet, so a
 * broken endpoint's failures are retried on healthy ones.
 */
const ENDPOINT_GRID: (Setting & { v1: Partial<AppBehaviour>; v2: Partial<AppBehaviour> })[] = [
  { name: 'one broken endpoint of three, retryOn 5xx: retries reach healthy hosts', behaviour: {}, v1: {}, v2: { failureRate: 1 }, route: { retries: { attempts: 2, retryOn: '5xx' } } },
  { name: 'one broken endpoint of three, one retry', behaviour: {}, v1: { failureRate: 0.2 }, v2: { failureRate: 1 }, route: { retries: { attempts: 1, retryOn: '5xx' } } },
  { name: 'one resetting endpoint of three, retryOn reset: not retried', behaviour: {}, v1: {}, v2: { resetRate: 1 }, route: { retries: { attempts: 2, retryOn: 'reset' } } },
  { name: 'one resetting endpoint of three, retryOn gateway-error', behaviour: {}, v1: {}, v2: { resetRate: 1 }, route: { retries: { attempts: 2, retryOn: 'gateway-error' } } },
];

describe('expected-outcome model vs the local mesh (endpoints of mixed health)', function () {
  this.timeout(120_000);
  let mesh: LocalMesh;
  let agent: http.Agent;
  let workloads: WorkloadSpec[];

  before(async () => {
    workloads = versionedWorkloads();
    mesh = await startLocalMesh({ seed: 12, profile: 'istio-1.24+', workloads });
    agent = keepAliveAgent();
  });
  after(async () => {
    agent.destroy();
    await mesh.stop();
  });

  for (const setting of ENDPOINT_GRID) {
    it(setting.name, async () => {
      const stageConfig: IstioConfig = setting.route ? config({ virtualServices: [appRoute(setting.route)] }) : config();
      const stageBehaviour = { 'appflaky-v1': setting.v1, 'appflaky-v2': setting.v2 };
      await mesh.waitForVersion(await mesh.applyConfig(stageConfig, stageBehaviour), 5000);
      const prediction = predict({ config: stageConfig, workloads, profile: 'istio-1.24+', vantage: 'in-mesh', url: APP_URL, behaviour: stageBehaviour });
      expect(prediction.modelled, prediction.notes.join('; ')).to.equal(true);

      const replies = await many(REQUESTS, 4, () => getViaProxy(mesh.clientProxyUrl, APP_URL, agent));
      const observed = replies.filter((r) => r.status >= 200 && r.status < 400).length / REQUESTS;
      expectAgreement(prediction, observed);
    });
  }
});

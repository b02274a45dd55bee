/**
 * The model for retries over endpoints that behave differently (previous_hosts) and for
 * resets by the app, which the client sidecar sees as the server sidecar's 503
 * (docs/mesh-semantics.md §1).
 */
import { expect } from 'chai';
import { predict } from '../../harness/istio/outcome/expected-outcome.ts';
import { sequenceOutcome } from '../../harness/istio/outcome/host-selection.ts';
import type { MeshProfile } from '../../harness/model/istio-objects.ts';
import type { AppBehaviour, WorkloadSpec } from '../../harness/model/plan.ts';
import { config, URL, virtualService, workload } from '../fixtures/plan-objects.ts';

/** One Service `app` over app-v1 (2 replicas) and app-v2 (1 replica). */
function versions(v1: Partial<AppBehaviour>, v2: Partial<AppBehaviour>): WorkloadSpec[] {
  const service = workload().objects;
  return [
    { ...workload({ name: 'app-v1', replicas: 2, behaviour: { failureRate: 0, ...v1 } }), labels: { app: 'app', version: 'v1' }, objects: service },
    { ...workload({ name: 'app-v2', replicas: 1, behaviour: { failureRate: 0, ...v2 } }), labels: { app: 'app', version: 'v2' }, objects: service },
  ];
}

const retries = (attempts: number, retryOn?: string) => virtualService(`      retries:\n        attempts: ${attempts}\n${retryOn ? `        retryOn: "${retryOn}"\n` : ''}`);

function inMesh(workloads: WorkloadSpec[], yaml = '', profile: MeshProfile = 'istio-1.24+') {
  return predict({ config: config(yaml), workloads, profile, vantage: 'in-mesh', url: URL });
}

/** The success share as one number, and how wide the prediction is. */
function share(p: ReturnType<typeof inMesh>): { low: number; high: number } {
  if (p.successProbability !== undefined) return { low: p.successProbability, high: p.successProbability };
  return { low: p.successBounds?.min ?? Number.NaN, high: p.successBounds?.max ?? Number.NaN };
}

describe('expected-outcome model: retries over endpoints of mixed health (previous_hosts)', () => {
  it('one broken endpoint of three and retryOn 5xx: a retry reaches a healthy host, ~100% success', () => {
    const p = inMesh(versions({}, { failureRate: 1 }), retries(2, '5xx'));
    const { low, high } = share(p);
    // Round robin: always a healthy host. Least request: back to the broken one only when all six picks hit it.
    expect(low).to.be.closeTo(1 - (1 / 3) * (1 / 3) ** 6 * (1 / 3) ** 6, 1e-6);
    expect(high).to.equal(1);
    expect(p.notes.join(' ')).to.contain('previous_hosts');
  });

  it('without retries the share of the broken endpoint fails: 2/3, exact', () => {
    const p = inMesh(versions({}, { failureRate: 1 }), retries(0));
    expect(p.successProbability).to.be.closeTo(2 / 3, 1e-6);
  });

  it('when which untried host a retry reaches matters, bounds cover round robin and least request', () => {
    // v1 fails 20%, v2 always; one retry. First try on v1 (2/3): 0.8, then the retry reaches
    // the other v1 (0.8) or v2 (0); first try on v2 (1/3): the retry reaches a v1 (0.8).
    const p = inMesh(versions({ failureRate: 0.2 }, { failureRate: 1 }), retries(1, '5xx'));
    const { low, high } = share(p);
    expect(low).to.be.closeTo((2 / 3) * 0.8 + (1 / 3) * 0.8, 1e-6);
    expect(high).to.be.closeTo((2 / 3) * (0.8 + 0.2 * 0.8) + (1 / 3) * 0.8, 1e-6);
  });

  it('least request: a retry returns to a tried host with probability (tried / hosts)^6', () => {
    const groups = [
      { replicas: 2, ends: 1, retried: 0 },
      { replicas: 1, ends: 0, retried: 1 },
    ];
    expect(sequenceOutcome(groups, 2, 'uniform')).to.be.closeTo(2 / 3 + (1 / 3) * (1 - (1 / 3) ** 6), 1e-12);
    expect(sequenceOutcome(groups, 2, 'least-favourable')).to.equal(1);
    expect(sequenceOutcome(groups, 1, 'uniform')).to.be.closeTo(2 / 3, 1e-12);
  });

  it('identical endpoints give the one-host formula whatever the host choice', () => {
    const groups = [{ replicas: 3, ends: 0.5, retried: 0.5 }];
    for (const choice of ['uniform', 'least-favourable', 'most-favourable'] as const) {
      expect(sequenceOutcome(groups, 3, choice)).to.be.closeTo(1 - 0.5 ** 3, 1e-12);
    }
  });
});

describe('expected-outcome model: an app reset reaches the client sidecar as a 503', () => {
  const resetting = (profile: MeshProfile, yaml = '') => inMesh([workload({ behaviour: { failureRate: 0, resetRate: 0.5 } })], yaml, profile);

  it('retryOn reset does not retry it', () => {
    const p = resetting('istio-1.24+', retries(2, 'reset'));
    expect(p.successProbability).to.equal(0.5);
    expect(p.notes.join(' ')).to.contain('503 from the server sidecar, which is not retried');
  });

  it('5xx, gateway-error and a listed 503 retry it', () => {
    for (const retryOn of ['5xx', 'gateway-error', '503', 'retriable-status-codes,503']) {
      expect(resetting('istio-1.24+', retries(2, retryOn)).successProbability, retryOn).to.be.closeTo(1 - 0.5 ** 3, 1e-6);
    }
  });

  it("Istio's default policy retries it on 1.22 (503 is listed) and not on 1.24+", () => {
    expect(resetting('istio-1.22').successProbability).to.be.closeTo(1 - 0.5 ** 3, 1e-6);
    expect(resetting('istio-1.24+').successProbability).to.equal(0.5);
  });

  it('from outside the mesh it is an HTTP answer, not a network error', () => {
    const p = predict({ config: config(), workloads: [workload({ behaviour: { failureRate: 0, resetRate: 0.5 } })], profile: 'istio-1.24+', vantage: 'external', url: URL });
    expect(p.successProbability).to.equal(0.5);
    expect(p.networkErrorProbability).to.equal(0);
  });
});

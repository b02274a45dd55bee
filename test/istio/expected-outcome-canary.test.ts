import { expect } from 'chai';
import { predict } from '../../harness/istio/outcome/expected-outcome.ts';
import { lintPlan } from '../../harness/istio/lint/lint.ts';
import type { WorkloadSpec } from '../../harness/model/plan.ts';
import { config, plan, stage, URL, workload } from '../fixtures/plan-objects.ts';

/** One Service `app` over two Deployments: app-v1 (2 healthy replicas) and app-v2 (1 replica, always 503). */
function canary(): WorkloadSpec[] {
  const service = workload().objects;
  const v1 = { ...workload({ name: 'app-v1', replicas: 2, behaviour: { failureRate: 0 } }), labels: { app: 'app', version: 'v1' }, objects: service };
  const v2 = { ...workload({ name: 'app-v2', replicas: 1, behaviour: { failureRate: 1, failureStatus: 503 } }), labels: { app: 'app', version: 'v2' }, objects: service };
  return [v1, v2];
}

const outlier = (maxEjectionPercent?: number) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: app }
spec:
  host: app
  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: 3
${maxEjectionPercent === undefined ? '' : `      maxEjectionPercent: ${maxEjectionPercent}\n`}`;

describe('expected-outcome model: a Service over several Deployments (mesh-semantics §5)', () => {
  it('in the mesh, round robin over every endpoint: 2 of 3 requests succeed', () => {
    const p = predict({ config: config(), workloads: canary(), profile: 'istio-1.24+', vantage: 'in-mesh', url: URL });
    expect(p.successProbability).to.be.closeTo(2 / 3, 1e-3);
  });

  it('the default maxEjectionPercent (10%) cannot eject one of three hosts: still 2/3', () => {
    const p = predict({ config: config(outlier()), workloads: canary(), profile: 'istio-1.24+', vantage: 'in-mesh', url: URL });
    expect(p.successProbability).to.be.closeTo(2 / 3, 1e-3);
    expect(p.notes.join(' ')).to.contain('can never eject');
  });

  it('when the canary can be ejected, success is bounded between 2/3 and 1', () => {
    const p = predict({ config: config(outlier(100)), workloads: canary(), profile: 'istio-1.24+', vantage: 'in-mesh', url: URL });
    expect(p.successBounds?.min).to.be.closeTo(2 / 3, 1e-3);
    expect(p.successBounds?.max).to.equal(1);
  });

  it('externally a LoadBalancer spreads connections, so only the range of the workloads is known', () => {
    const p = predict({ config: config(outlier(100)), workloads: canary(), profile: 'istio-1.24+', vantage: 'external', url: URL });
    expect(p.successBounds).to.deep.equal({ min: 0, max: 1 });
  });

  it('RB105 counts every host behind the Service, not one Deployment', () => {
    const findings = lintPlan(plan({ stages: [stage('s', outlier(34))], workloads: canary() }));
    expect(findings.filter((f) => f.code === 'RB105')).to.have.length(0);
    const tooLow = lintPlan(plan({ stages: [stage('s', outlier(30))], workloads: canary() }));
    expect(tooLow.find((f) => f.code === 'RB105')?.message).to.contain('3 host(s)');
  });
});

import { expect } from 'chai';
import { parseManifests } from '../../harness/yaml/parse-manifests.ts';
import { parseLatency, parseSlowStart } from '../../harness/model/behaviour.ts';
import { buildWorkloads } from '../../harness/plan/workloads.ts';
import { workloadYaml } from '../fixtures/plan-files.ts';

function build(text: string) {
  const parsed = parseManifests(text, 'workload.yaml', { codePrefix: 'WORKLOAD' });
  expect(parsed.errors).to.deep.equal([]);
  return buildWorkloads(parsed.objects);
}

describe('workloads', () => {
  it('builds a WorkloadSpec from Namespace, Deployment and Service', () => {
    const env = { FAILURE_RATE: '0.25', FAILURE_STATUS: '503', LATENCY: 'normal:100ms,20ms', HANG_RATE: '0.01', RESET_RATE: '0.02', SLOW_START: '30s:200ms' };
    const { workloads, errors } = build(workloadYaml({ env, replicas: 3 }));
    expect(errors).to.deep.equal([]);
    expect(workloads).to.have.length(1);
    const [w] = workloads;
    expect(w).to.deep.include({ name: 'app', namespace: 'ns1', serviceAccount: 'default', replicas: 3, servicePort: 80, targetPort: 5000, sidecar: true, labels: { app: 'app' } });
    expect(w.behaviour).to.deep.equal({
      failureRate: 0.25,
      failureStatus: 503,
      latency: { kind: 'normal', meanMs: 100, stddevMs: 20 },
      hangRate: 0.01,
      resetRate: 0.02,
      slowStart: { durationMs: 30_000, extraMs: 200 },
    });
    expect(w.objects.map((o) => o.kind)).to.deep.equal(['Namespace', 'Deployment', 'Service']);
  });

  it('defaults: no env → never fails, status 500, no latency', () => {
    const { workloads } = build(workloadYaml({ env: {} }).replace('          env:\n', ''));
    expect(workloads[0].behaviour).to.deep.equal({ failureRate: 0, failureStatus: 500, latency: { kind: 'fixed', ms: 0 }, hangRate: 0, resetRate: 0 });
  });

  it('sidecar: namespace label, overridden by the pod label', () => {
    expect(build(workloadYaml({ injection: false })).workloads[0].sidecar).to.equal(false);
    const optOut = workloadYaml().replace('        app: app\n    spec:', '        app: app\n        sidecar.istio.io/inject: "false"\n    spec:');
    expect(build(optOut).workloads[0].sidecar).to.equal(false);
  });

  it('reports bad env values and a Service without its Deployment', () => {
    const { errors } = build(workloadYaml({ env: { FAILURE_RATE: '1.5', FAILURE_STATUS: 'five hundred' } }));
    expect(errors.map((e) => [e.code, e.location?.line])).to.deep.equal([
      ['WORKLOAD_BAD_ENV', 30],
      ['WORKLOAD_BAD_ENV', 32],
    ]);
    const orphan = build(workloadYaml().replace(/selector:\n {4}app: app\n {2}ports/, 'selector:\n    app: other\n  ports'));
    expect(orphan.errors.map((e) => e.code)).to.deep.equal(['WORKLOAD_NO_SERVICE', 'WORKLOAD_NO_DEPLOYMENT']);
  });

  it('parses the latency and slow-start forms', () => {
    expect(parseLatency('fixed:5ms')).to.deep.equal({ value: { kind: 'fixed', ms: 5 } });
    expect(parseLatency('uniform:10ms-50ms')).to.deep.equal({ value: { kind: 'uniform', minMs: 10, maxMs: 50 } });
    expect(parseLatency('normal:100ms,20ms')).to.deep.equal({ value: { kind: 'normal', meanMs: 100, stddevMs: 20 } });
    for (const bad of ['fixed', 'fixed:5', 'uniform:50ms-10ms', 'gamma:1ms', 'normal:1ms']) expect(parseLatency(bad), bad).to.have.property('error');
    expect(parseSlowStart('30s:200ms')).to.deep.equal({ value: { durationMs: 30_000, extraMs: 200 } });
    expect(parseSlowStart('30s')).to.have.property('error');
  });
});

import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserErrors } from '../../harness/errors/user-error.ts';
import { loadPlan } from '../../harness/plan/load-plan.ts';
import { planYaml, STRICT_PA, workloadYaml, writeProject } from '../fixtures/plan-files.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const plansDir = join(projectRoot, 'manifests', 'plans');

async function loadErrors(file: string): Promise<UserErrors> {
  try {
    await loadPlan(file);
  } catch (error) {
    if (error instanceof UserErrors) return error;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

/** The one error with `code`, asserting it exists. */
function only(errors: UserErrors, code: string) {
  const found = errors.errors.filter((e) => e.code === code);
  expect(found, `${code} in ${errors.errors.map((e) => `${e.code}@${e.location?.line}`).join(', ')}`).to.have.length(1);
  return found[0];
}

describe('loadPlan', () => {
  it('loads the retries lab with workloads, stages and defaults', async () => {
    const plan = await loadPlan(join(plansDir, 'retries-lab.yaml'));
    expect(plan.name).to.equal('retries-lab');
    expect(plan.meshProfile).to.equal('istio-1.24+');
    expect(plan.namespace).to.equal('retryns');
    expect(plan.vantages).to.deep.equal(['in-mesh', 'external']);
    expect(plan.scenario).to.include({ rate: 100, duration: '8s', requestTimeout: '10s', script: 'unstable-endpoint' });
    expect(plan.scenario.preAllocatedVUs).to.be.at.most(plan.scenario.maxVUs);
    expect(plan.stages.map((s) => s.name)).to.deep.equal(['baseline', 'strict', 'retries-default', 'retries-5xx', 'permissive']);
    expect(plan.stages[0].config.virtualServices).to.have.length(0);
    const fiveXx = plan.stages[3];
    expect(fiveXx.config.virtualServices[0].spec.http?.[0].retries).to.deep.equal({ attempts: 10, perTryTimeout: '5ms', retryOn: '5xx' });
    expect(fiveXx.config.peerAuthentications[0].metadata.namespace).to.equal('retryns');
    expect(fiveXx.expect['in-mesh']?.errorRate).to.deep.equal({ max: 0.01 });
    expect(fiveXx.expect['in-mesh']?.source.line).to.equal(51);
    expect(plan.workloads[0]).to.include({ name: 'appflaky', replicas: 1, servicePort: 80, targetPort: 5000, sidecar: true, serviceAccount: 'appflaky' });
    expect(plan.workloads[0].behaviour).to.deep.include({ failureRate: 0.5, failureStatus: 500, latency: { kind: 'fixed', ms: 0 } });
    expect(plan.hash).to.match(/^[0-9a-f]{64}$/);
  });

  it('gives the same hash for the same files and a different one when a referenced file changes', async () => {
    const files = { 'plan.yaml': planYaml(), 'workload.yaml': workloadYaml() };
    const a = await loadPlan(join(writeProject(files), 'plan.yaml'));
    const b = await loadPlan(join(writeProject(files), 'plan.yaml'));
    const c = await loadPlan(join(writeProject({ ...files, 'workload.yaml': workloadYaml({ env: { FAILURE_RATE: '0.4' } }) }), 'plan.yaml'));
    expect(a.hash).to.equal(b.hash);
    expect(a.hash).to.not.equal(c.hash);
  });

  it('applies defaults: profile, rate, duration, VUs, timeout, vantages, namespace from the workloads', async () => {
    const plan = await loadPlan(join(writeProject({ 'plan.yaml': planYaml(), 'workload.yaml': workloadYaml() }), 'plan.yaml'));
    expect(plan.meshProfile).to.equal('istio-1.24+');
    expect(plan.namespace).to.equal('ns1');
    expect(plan.scenario).to.include({ rate: 50, duration: '10s', requestTimeout: '10s', preAllocatedVUs: 25, maxVUs: 100 });
    expect(plan.vantages).to.deep.equal(['in-mesh', 'external']);
  });

  it('loads every shipped plan in manifests/plans cleanly', async () => {
    const files = readdirSync(plansDir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).to.be.at.least(5);
    for (const file of files) {
      const plan = await loadPlan(join(plansDir, file));
      expect(plan.stages.length, file).to.be.greaterThan(0);
    }
  });

  describe('errors, each with its code and exact location', () => {
    it('PLAN_FILE_NOT_FOUND for the plan and for a referenced file (at the referencing line)', async () => {
      const missing = await loadErrors('/nonexistent/plan.yaml');
      expect(only(missing, 'PLAN_FILE_NOT_FOUND').location?.file).to.equal('/nonexistent/plan.yaml');
      const dir = writeProject({ 'plan.yaml': planYaml({ stages: '    - name: a\n      config: [nope.yaml]\n' }), 'workload.yaml': workloadYaml() });
      const error = only(await loadErrors(join(dir, 'plan.yaml')), 'PLAN_FILE_NOT_FOUND');
      expect(error.location).to.deep.include({ file: join(dir, 'plan.yaml'), line: 12 });
      expect(error.message).to.contain(join(dir, 'nope.yaml'));
    });

    it('PLAN_YAML_SYNTAX with the line of the mistake', async () => {
      const dir = writeProject({ 'plan.yaml': 'apiVersion: bench.resilience.dev/v1\nkind: Plan\nmetadata:\n  name: [unclosed\n', 'workload.yaml': workloadYaml() });
      const error = (await loadErrors(join(dir, 'plan.yaml'))).errors[0];
      expect(error.code).to.equal('PLAN_YAML_SYNTAX');
      expect(error.location?.line).to.be.within(4, 5);
    });

    it('PLAN_UNKNOWN_FIELD suggests the closest name', async () => {
      const dir = writeProject({ 'plan.yaml': planYaml({ scenarioExtra: '    rat: 10\n' }), 'workload.yaml': workloadYaml() });
      const error = only(await loadErrors(join(dir, 'plan.yaml')), 'PLAN_UNKNOWN_FIELD');
      expect(error.location).to.deep.include({ line: 10, column: 5 });
      expect(error.fix).to.equal('did you mean `rate`?');
    });

    it('PLAN_MISSING_FIELD at the parent object', async () => {
      const dir = writeProject({ 'plan.yaml': planYaml({ stages: '    - name: a\n      expect: {}\n' }), 'workload.yaml': workloadYaml() });
      const error = only(await loadErrors(join(dir, 'plan.yaml')), 'PLAN_MISSING_FIELD');
      expect(error.message).to.contain('`config`');
      expect(error.location?.line).to.equal(11);
    });

    it('PLAN_BAD_VALUE for bounds outside [0,1], min above max, and a bad duration, all in one pass', async () => {
      const stages = `    - name: a
      config: []
      expect:
        in-mesh: { errorRate: { min: 1.5 } }
        external: { errorRate: { min: 0.6, max: 0.4 } }
`;
      const dir = writeProject({ 'plan.yaml': planYaml({ stages, scenarioExtra: '    duration: 10 seconds\n' }), 'workload.yaml': workloadYaml() });
      const errors = (await loadErrors(join(dir, 'plan.yaml'))).errors.filter((e) => e.code === 'PLAN_BAD_VALUE');
      expect(errors.map((e) => e.location?.line)).to.deep.equal([10, 15, 16]);
      expect(errors[2].message).to.contain('min 0.6 is above max 0.4');
    });

    it('PLAN_DUPLICATE_STAGE at the second stage', async () => {
      const stages = '    - name: a\n      config: []\n    - name: a\n      config: []\n';
      const dir = writeProject({ 'plan.yaml': planYaml({ stages }), 'workload.yaml': workloadYaml() });
      const error = only(await loadErrors(join(dir, 'plan.yaml')), 'PLAN_DUPLICATE_STAGE');
      expect(error.location?.line).to.equal(13);
    });

    it('PLAN_BAD_VALUE when the URL host is no workload Service, with a suggestion', async () => {
      const dir = writeProject({
        'plan.yaml': planYaml().replace('http://app.ns1.svc.cluster.local/', 'http://ap.ns1.svc.cluster.local/'),
        'workload.yaml': workloadYaml(),
      });
      const error = only(await loadErrors(join(dir, 'plan.yaml')), 'PLAN_BAD_VALUE');
      expect(error.location?.line).to.equal(9);
      expect(error.fix).to.contain('app.ns1.svc.cluster.local');
    });

    it('ISTIO_INVALID_FIELD in the policy file for a misspelt retryOn condition, with a suggestion', async () => {
      const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: app
spec:
  hosts: [app]
  http:
    - route:
        - destination: { host: app }
      retries:
        attempts: 3
        retryOn: 5xx,conect-failure
`;
      const dir = writeProject({ 'plan.yaml': planYaml({ stages: '    - name: a\n      config: [vs.yaml]\n' }), 'workload.yaml': workloadYaml(), 'vs.yaml': vs });
      const error = only(await loadErrors(join(dir, 'plan.yaml')), 'ISTIO_INVALID_FIELD');
      expect(error.location).to.deep.equal({ file: join(dir, 'vs.yaml'), line: 12, column: 9 });
      expect(error.fix).to.equal('did you mean `connect-failure`?');
    });

    it('ISTIO_DUPLICATE_OBJECT when two files of one stage define the same object', async () => {
      const dir = writeProject({
        'plan.yaml': planYaml({ stages: '    - name: a\n      config: [pa.yaml, pa2.yaml]\n' }),
        'workload.yaml': workloadYaml(),
        'pa.yaml': STRICT_PA,
        'pa2.yaml': STRICT_PA,
      });
      const error = only(await loadErrors(join(dir, 'plan.yaml')), 'ISTIO_DUPLICATE_OBJECT');
      expect(error.location).to.deep.include({ file: join(dir, 'pa2.yaml'), line: 1 });
    });

    it('WORKLOAD_BAD_ENV at the env value', async () => {
      const dir = writeProject({ 'plan.yaml': planYaml(), 'workload.yaml': workloadYaml({ env: { LATENCY: 'sometimes:5ms' } }) });
      const error = only(await loadErrors(join(dir, 'plan.yaml')), 'WORKLOAD_BAD_ENV');
      expect(error.location).to.deep.include({ file: join(dir, 'workload.yaml'), line: 30 });
    });

    it('PLAN_BAD_VALUE for an expectation on a vantage the plan does not run, and an unknown stage behaviour workload', async () => {
      const stages = `    - name: a
      config: []
      behaviour:
        apq: { failureRate: 0.1 }
      expect:
        gateway: { errorRate: { max: 0.1 } }
`;
      const dir = writeProject({ 'plan.yaml': planYaml({ stages }), 'workload.yaml': workloadYaml() });
      const errors = (await loadErrors(join(dir, 'plan.yaml'))).errors;
      expect(errors.map((e) => [e.code, e.location?.line])).to.deep.equal([
        ['PLAN_BAD_VALUE', 14],
        ['PLAN_BAD_VALUE', 16],
      ]);
      expect(errors[0].fix).to.equal('did you mean `app`?');
    });

    it('reads stage behaviour overrides in their text forms', async () => {
      const stages = `    - name: a
      config: []
      behaviour:
        app: { failureRate: 0.1, latency: "uniform:10ms-20ms" }
`;
      const plan = await loadPlan(join(writeProject({ 'plan.yaml': planYaml({ stages }), 'workload.yaml': workloadYaml() }), 'plan.yaml'));
      expect(plan.stages[0].behaviour).to.deep.equal({ app: { failureRate: 0.1, latency: { kind: 'uniform', minMs: 10, maxMs: 20 } } });
    });
  });
});

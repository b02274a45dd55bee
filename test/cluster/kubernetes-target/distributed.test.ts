/**
 * Distributed in-mesh load: the TestRun and fallback Job objects (pure), then against a
 * real API server: the k6-operator is detected through discovery, a TestRun the bench
 * builds passes the operator CRD's validation and is deleted again, and without the
 * operator the N segment Jobs are created and cleaned up. There is no kubelet here, so no
 * runner pod runs: what the runners print is covered by the log parser and the merge tests.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { BatchV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { buildBundleConfigMap, buildSegmentJobs, buildTestRun, segmentArgs, segmentSequence, summaryFromRunnerLog } from '../../../harness/runners/k6-job/k6-job.ts';
import { fallbackNotice, k6OperatorServed } from '../../../harness/targets/kubernetes/k6-operator.ts';
import type { KubeObject } from '../../../harness/targets/kubernetes/object-ref.ts';
import { createTestRunLauncher } from '../../../harness/targets/kubernetes/test-run-launcher.ts';
import { TempDir } from '../../runners/embedded/helpers.ts';
import { projectRoot } from '../../../harness/util/project-root.ts';
import { type ControlPlane, skipUnlessControlPlane } from '../fixture/control-plane.ts';
import { createAll, eventually, startTestCluster, yamlObjects } from './helpers.ts';

const NS = 'distributed';
const base = { name: 'rb-k6-abcd', namespace: NS, configMapName: 'rb-k6-abcd', fileName: 'unstable-endpoint.js', env: { RATE: '400', DURATION: '30s' }, tags: { stage: 'baseline', vantage: 'in-mesh' } };

describe('kubernetes target: distributed runners (objects)', () => {
  it('a TestRun: N runners from the bundle ConfigMap, injected, env not on the command line, logs kept', () => {
    const run = buildTestRun({ ...base, parallelism: 4, nativeSidecar: false, proxyConfig: '{"holdApplicationUntilProxyStarts":true}' });
    expect(run.apiVersion).to.equal('k6.io/v1alpha1');
    expect(run.spec.parallelism).to.equal(4);
    expect(run.spec.script.configMap).to.deep.equal({ name: 'rb-k6-abcd', file: 'unstable-endpoint.js' });
    expect(run.spec.runner.metadata.labels['sidecar.istio.io/inject']).to.equal('true');
    expect(run.spec.runner.metadata.annotations['proxy.istio.io/config']).to.include('holdApplicationUntilProxyStarts');
    expect(run.spec.scuttle.enabled).to.equal('true');
    expect(run.spec).not.to.have.property('cleanup');
    expect(run.spec.arguments).to.equal('--no-usage-report --tag stage=baseline --tag vantage=in-mesh').and.not.include('RATE');
    expect(run.spec.runner.env).to.deep.include({ name: 'SUMMARY_PATH', value: 'stdout' });
    const native = buildTestRun({ ...base, parallelism: 2, nativeSidecar: true, proxyConfig: '{}' });
    expect(native.spec.scuttle.enabled).to.equal('false');
    expect(native.spec.runner.metadata.annotations['sidecar.istio.io/nativeSidecar']).to.equal('true');
    expect(() => buildTestRun({ ...base, tags: { stage: 'a b' }, parallelism: 2, nativeSidecar: true, proxyConfig: '{}' })).to.throw(/whitespace/);
  });

  it('fallback Jobs: one equal execution segment each, together the whole sequence', () => {
    expect(segmentSequence(4)).to.equal('0,1/4,2/4,3/4,1');
    expect(segmentArgs(0, 4)).to.deep.equal(['--execution-segment', '0:1/4', '--execution-segment-sequence', '0,1/4,2/4,3/4,1']);
    const jobs = buildSegmentJobs({ ...base, inMesh: true, nativeSidecar: true }, 4);
    expect(jobs.map((j) => j.metadata?.name)).to.deep.equal(['rb-k6-abcd-1', 'rb-k6-abcd-2', 'rb-k6-abcd-3', 'rb-k6-abcd-4']);
    const commands = jobs.map((j) => j.spec!.template.spec!.containers[0].command![2]);
    expect(commands[3]).to.include(`'--execution-segment' '3/4:1' '--execution-segment-sequence' '0,1/4,2/4,3/4,1'`);
    expect(jobs[1].metadata?.labels?.['resilience-bench/runner']).to.equal('2');
  });

  it('reads a runner\'s summary from its stdout among k6\'s other output; none from a runner that died', () => {
    const summary = { root_group: { name: '', path: '', id: 'x', groups: [], checks: [] }, options: {}, state: {}, metrics: { http_reqs: { type: 'counter', contains: 'default', values: { count: 3, rate: 1 } } } };
    const log = ['         /\\      |‾‾| /‾‾/', 'running (0m30.0s), 000/040 VUs', JSON.stringify(summary, null, 2), 'time="…" level=info msg="done"'].join('\n');
    expect(summaryFromRunnerLog(log)).to.deep.equal(summary);
    expect(summaryFromRunnerLog(log.slice(0, log.indexOf('"metrics"')))).to.equal(undefined);
  });
});

describe('kubernetes target: distributed runners against a real API server', function () {
  this.timeout(120_000);
  let cp: ControlPlane | undefined;
  let admin: KubeConfig;

  before(async function () {
    this.timeout(180_000);
    await skipUnlessControlPlane(this);
    ({ cp, admin } = await startTestCluster());
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  });
  after(async () => {
    await cp?.stop();
  });

  it('without the operator: detected as missing, says how to install it, and N segment Jobs are created and deleted', async () => {
    expect(await k6OperatorServed(admin)).to.equal(false);
    expect(fallbackNotice(4)).to.include('4 Jobs with k6 execution segments').and.include('helm install k6-operator');
    const core = admin.makeApiClient(CoreV1Api);
    const batch = admin.makeApiClient(BatchV1Api);
    await core.createNamespacedConfigMap({ namespace: NS, body: buildBundleConfigMap({ name: base.configMapName, namespace: NS, fileName: base.fileName, bundle: 'export default function () {}' }) });
    for (const job of buildSegmentJobs({ ...base, inMesh: true, nativeSidecar: false }, 4)) await batch.createNamespacedJob({ namespace: NS, body: job });
    const listed = await batch.listNamespacedJob({ namespace: NS, labelSelector: 'resilience-bench/runners=4' });
    expect(listed.items.map((j) => j.metadata?.labels?.['resilience-bench/runner']).sort()).to.deep.equal(['1', '2', '3', '4']);
    for (const job of listed.items) await batch.deleteNamespacedJob({ name: job.metadata!.name!, namespace: NS, propagationPolicy: 'Background' });
    await core.deleteNamespacedConfigMap({ name: base.configMapName, namespace: NS });
    await eventually('Jobs gone', async () => ((await batch.listNamespacedJob({ namespace: NS })).items.length === 0 ? true : undefined));
  });

  it('with the operator\'s CRD: detected, and the TestRun the bench builds is accepted as written, then deleted', async () => {
    await createAll(admin, yamlObjects(join(projectRoot, 'test', 'cluster', 'k6-operator', 'testrun-crd.yaml')));
    await eventually('testruns served', async () => ((await k6OperatorServed(admin)) ? true : undefined));
    const run = buildTestRun({ ...base, parallelism: 4, nativeSidecar: true, proxyConfig: '{"holdApplicationUntilProxyStarts":true}' });
    const objects = KubernetesObjectApi.makeApiClient(admin);
    await objects.create(run as unknown as KubernetesObject);
    const custom = admin.makeApiClient(CustomObjectsApi);
    const stored = (await custom.getNamespacedCustomObject({ group: 'k6.io', version: 'v1alpha1', namespace: NS, plural: 'testruns', name: base.name })) as typeof run;
    expect(stored.spec).to.deep.equal(run.spec);
    // parallelism 0 is refused by the schema: the API server really validates what the bench sends.
    const invalid = { ...run, metadata: { ...run.metadata, name: 'invalid' }, spec: { ...run.spec, parallelism: 0 } };
    let refused = false;
    await objects.create(invalid as unknown as KubernetesObject).catch(() => {
      refused = true;
    });
    expect(refused).to.equal(true);
    await custom.deleteNamespacedCustomObject({ group: 'k6.io', version: 'v1alpha1', namespace: NS, plural: 'testruns', name: base.name });
    await eventually('TestRun gone', async () => ((await custom.listNamespacedCustomObject({ group: 'k6.io', version: 'v1alpha1', namespace: NS, plural: 'testruns' })) as { items: unknown[] }).items.length === 0 ? true : undefined);
  });

  it('a TestRun whose runners never start: each runner named, nothing contributed, TestRun and ConfigMap deleted', async () => {
    // Runs after the CRD test above. No operator runs here, so no runner pod appears on its
    // own; the test adds one Pending pod for runner 2, whose log no kubelet can serve.
    const core = admin.makeApiClient(CoreV1Api);
    await eventually('default ServiceAccount', async () => ((await core.listNamespacedServiceAccount({ namespace: NS })).items.some((a) => a.metadata?.name === 'default') ? true : undefined)).catch(() =>
      core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'default' } } }),
    );
    const dir = new TempDir();
    const created: string[] = [];
    const deleted: string[] = [];
    try {
      const launcher = createTestRunLauncher({
        kc: admin,
        namespace: NS,
        runners: 3,
        nativeSidecar: true,
        slackMs: 1000,
        pollMs: 200,
        beforeCreate: async (object: KubeObject) => {
          created.push(`${object.kind}/${object.metadata.name}`);
          if (object.kind === 'TestRun') {
            const name = object.metadata.name;
            await core.createNamespacedPod({
              namespace: NS,
              body: {
                metadata: { name: `${name}-2-abcde`, labels: { k6_cr: name, 'batch.kubernetes.io/job-name': `${name}-2` } },
                spec: { automountServiceAccountToken: false, containers: [{ name: 'k6', image: 'grafana/k6:0.49.0' }] },
              },
            });
          }
        },
        afterDelete: async (object: KubeObject) => {
          deleted.push(`${object.kind}/${object.metadata.name}`);
        },
      });
      const result = await launcher.run({ bundlePath: dir.script('export default function () {}'), env: { DURATION: '1s' }, tags: { stage: 'baseline', vantage: 'in-mesh' }, summaryPath: `${dir.path}/summary.json` });
      expect(result.outcome).to.equal('engine-error');
      expect(result.summary).to.equal(undefined);
      expect(result.distribution?.contributed).to.deep.equal([]);
      const missing = result.distribution!.missing;
      expect(missing.map((m) => m.name)).to.deep.equal(['runner-1', 'runner-2', 'runner-3']);
      expect(missing[0].reason).to.match(/^never started: no pod for rb-k6-[0-9a-f]{8}-1 before the deadline$/);
      expect(missing[1].reason).to.match(/^pod rb-k6-[0-9a-f]{8}-2-abcde: /);
      expect(result.detail).to.include('0 of 3 runners contributed');
      expect(deleted.sort()).to.deep.equal(created.sort());
      const custom = admin.makeApiClient(CustomObjectsApi);
      await eventually('TestRun gone', async () => ((await custom.listNamespacedCustomObject({ group: 'k6.io', version: 'v1alpha1', namespace: NS, plural: 'testruns' })) as { items: unknown[] }).items.length === 0 ? true : undefined);
      expect((await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app.kubernetes.io/managed-by=resilience-bench' })).items).to.have.length(0);
    } finally {
      dir.remove();
    }
  });
});

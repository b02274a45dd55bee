/**
 * The k6-operator's part, played for the simulated cluster when the TestRun CRD is served:
 * for a TestRun of `parallelism` N it creates the Jobs `<name>-1` … `<name>-N`, whose pods
 * (labelled app=k6, k6_cr=<name>, runner=true, plus the TestRun's runner metadata, env
 * from `runner.env`) run `k6 run` on the script ConfigMap with their execution segment,
 * `--address=0.0.0.0:6565 --paused` and the TestRun's arguments; once every runner still
 * alive is paused before its run it resumes them all, as the operator's starter does; and it
 * moves `status.stage` through initialization → initialized → created → started, then to
 * finished when every runner ended (error when one failed). Only what the bench relies on.
 */
import { BatchV1Api, CustomObjectsApi, type KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { segmentArgs } from '../../../harness/runners/k6-job/segments.ts';
import type { TestRunObject } from '../../../harness/runners/k6-job/test-run.ts';
import { K6_API_PORT } from '../../../harness/targets/kubernetes/k6-rest-api.ts';
import type { PausedK6Runs } from './k6-api-server.ts';
import { K6_CONTAINER } from '../../../harness/runners/k6-job/manifests.ts';

const TEST_RUNS = { group: 'k6.io', version: 'v1alpha1', plural: 'testruns' };
const SCRIPT_DIR = '/test';

type TestRun = TestRunObject & { metadata: { uid?: string }; status?: { stage?: string } };

export class SimulatedK6Operator {
  /** Each TestRun's stages as they were set, by namespace/name. */
  readonly stages = new Map<string, string[]>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly pausedK6: PausedK6Runs,
    private readonly log: (line: string) => void,
  ) {}

  /** One reconcile pass; `pods` is the node's current pod list. Quiet when the CRD is not served. */
  async tick(pods: V1Pod[]): Promise<void> {
    let runs: TestRun[];
    try {
      runs = ((await this.kc.makeApiClient(CustomObjectsApi).listCustomObjectForAllNamespaces(TEST_RUNS)) as { items: TestRun[] }).items;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return;
      throw error;
    }
    for (const run of runs) await this.reconcile(run, pods);
  }

  private async reconcile(run: TestRun, pods: V1Pod[]): Promise<void> {
    const { name, namespace } = run.metadata;
    const runners = pods.filter((p) => p.metadata?.namespace === namespace && p.metadata?.labels?.k6_cr === name && p.metadata.labels.runner === 'true');
    switch (run.status?.stage) {
      case undefined:
        await this.setStage(run, 'initialization');
        await this.setStage(run, 'initialized');
        for (let i = 0; i < run.spec.parallelism; i++) await this.kc.makeApiClient(BatchV1Api).createNamespacedJob({ namespace, body: runnerJob(run, i) });
        await this.setStage(run, 'created');
        return;
      case 'created': {
        // The starter: every runner that is still alive waits paused, and at least one does.
        const alive = runners.filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
        const ips = alive.map((p) => p.status?.podIP ?? '');
        const ready = runners.length === run.spec.parallelism && alive.length > 0 && ips.every((ip) => this.pausedK6.waitsToStart(ip));
        if (!ready) return;
        for (const ip of ips) this.pausedK6.resume(ip);
        await this.setStage(run, 'started');
        return;
      }
      case 'started': {
        const phases = runners.map((p) => p.status?.phase);
        if (phases.length < run.spec.parallelism || !phases.every((phase) => phase === 'Succeeded' || phase === 'Failed')) return;
        await this.setStage(run, phases.every((phase) => phase === 'Succeeded') ? 'finished' : 'error');
        return;
      }
      default:
    }
  }

  private async setStage(run: TestRun, stage: string): Promise<void> {
    const { name, namespace } = run.metadata;
    await this.kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectStatus(
      { ...TEST_RUNS, namespace, name, body: [{ op: run.status ? 'replace' : 'add', path: '/status', value: { stage } }] },
    );
    run.status = { stage };
    const key = `${namespace}/${name}`;
    this.stages.set(key, [...(this.stages.get(key) ?? []), stage]);
    this.log(`TestRun ${key}: ${stage}`);
  }
}

/** Runner `index`'s Job, as the operator writes it (its own flags before the script, for the simulated pod's parser). */
function runnerJob(run: TestRun, index: number): V1Job {
  const { name, namespace } = run.metadata;
  const jobName = `${name}-${index + 1}`;
  const flags = [...joinFlagValues(segmentArgs(index, run.spec.parallelism)), `--address=0.0.0.0:${K6_API_PORT}`, '--paused', run.spec.arguments];
  const labels = { ...run.spec.runner.metadata.labels, app: 'k6', k6_cr: name, runner: 'true' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName, namespace, labels: { app: 'k6', k6_cr: name }, ownerReferences: [{ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', name, uid: run.metadata.uid ?? '', controller: true }] },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels, annotations: run.spec.runner.metadata.annotations },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: K6_CONTAINER,
              image: run.spec.runner.image,
              command: ['sh', '-c', `k6 run --quiet ${flags.join(' ')} ${SCRIPT_DIR}/${run.spec.script.configMap.file}`],
              env: run.spec.runner.env,
              volumeMounts: [{ name: 'k6-test-volume', mountPath: SCRIPT_DIR }],
            },
          ],
          volumes: [{ name: 'k6-test-volume', configMap: { name: run.spec.script.configMap.name } }],
        },
      },
    },
  };
}

/** `--execution-segment 1/4:2/4` → `--execution-segment=1/4:2/4`, as the operator writes its flags. */
function joinFlagValues(args: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--') && i + 1 < args.length && !args[i + 1].startsWith('--')) joined.push(`${args[i]}=${args[++i]}`);
    else joined.push(args[i]);
  }
  return joined;
}

/**
 * The in-mesh vantage split over N k6-operator runners: the bundle in a ConfigMap, one
 * TestRun with `parallelism: N` (runners/k6-job/test-run.ts), then each runner's summary
 * read from its pod log and the N merged into one (runners/merge/). The operator names
 * runner i's Job `<testrun>-<i>`; a runner whose pod never appeared or whose log holds no
 * summary is reported by name. TestRun and ConfigMap are deleted afterwards (the snapshot
 * lists them first, so `bench restore` removes them after a crash).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type V1Pod } from '@kubernetes/client-node';
import { buildBundleConfigMap, buildTestRun, K6_IMAGE, summaryFromRunnerLog } from '../../runners/k6-job/k6-job.ts';
import { mergeSummaries, type RunnerSummary } from '../../runners/merge/merge-summaries.ts';
import type { RunRequest, RunResult, Runner } from '../../runners/runner.ts';
import { describeDistribution } from '../../runners/split-runner.ts';
import type { K6SummaryData } from '../../model/k6-summary.ts';
import { parseDuration } from '../../util/duration.ts';
import { apiFailure, isNotFound } from './api-errors.ts';
import type { ClusterLauncherOptions } from './launcher-options.ts';
import type { KubeObject } from './object-ref.ts';
import { podProblems, sleep } from './pods.ts';
import { proxyStatsConfig } from './workloads.ts';

export interface TestRunLauncherOptions extends ClusterLauncherOptions {
  runners: number;
  /** How often the TestRun's status is read (default 2 s). */
  pollMs?: number;
}

const TEST_RUNS = { group: 'k6.io', version: 'v1alpha1', plural: 'testruns' };
const JOB_NAME_LABELS = ['batch.kubernetes.io/job-name', 'job-name'];

export function createTestRunLauncher(options: TestRunLauncherOptions): Runner {
  const image = options.image ?? K6_IMAGE;
  const version = image.split(':').at(-1) ?? image;
  return { name: 'k6-job', version: async () => version, run: (request) => runTestRun(options, image, version, request) };
}

async function runTestRun(options: TestRunLauncherOptions, image: string, version: string, request: RunRequest): Promise<RunResult> {
  const { kc, namespace, runners } = options;
  const name = `rb-k6-${randomBytes(4).toString('hex')}`;
  const fileName = basename(request.bundlePath);
  const labels = { 'resilience-bench/cell': name.slice('rb-k6-'.length) };
  const configMap = buildBundleConfigMap({ name, namespace, fileName, bundle: await readFile(request.bundlePath, 'utf8'), labels }) as KubeObject;
  const testRun = buildTestRun({
    name,
    namespace,
    configMapName: name,
    fileName,
    parallelism: runners,
    env: request.env,
    tags: request.tags,
    nativeSidecar: options.nativeSidecar,
    proxyConfig: proxyStatsConfig('{"holdApplicationUntilProxyStarts": true}'),
    image,
    labels,
  });
  const testRunObject = testRun as unknown as KubeObject;
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const engine = { name: 'k6-job' as const, version };
  const deadline = Date.now() + parseDuration(request.env.DURATION ?? '60s') + (options.slackMs ?? 180_000);

  await options.beforeCreate(configMap);
  await core.createNamespacedConfigMap({ namespace, body: configMap as never });
  try {
    await options.beforeCreate(testRunObject);
    await custom.createNamespacedCustomObject({ ...TEST_RUNS, namespace, body: testRun });
    const ended = await waitForTestRun(custom, namespace, name, deadline, options.pollMs ?? 2000, request);
    if (ended === 'interrupted') return { outcome: 'interrupted', exitCode: 105, engine, detail: 'Ctrl-C: the TestRun was deleted' };
    const parts = await readRunners(core, namespace, name, runners, ended === 'timed-out');
    const { summary, info } = mergeSummaries(parts);
    const detail = describeDistribution(info);
    if (!summary) return { outcome: 'engine-error', exitCode: 1, engine, detail, distribution: info };
    const failed = Object.values(summary.metrics).some((m) => Object.values(m.thresholds ?? {}).some((t) => !t.ok));
    return { outcome: failed ? 'thresholds-failed' : 'ok', exitCode: failed ? 99 : 0, engine, summary, detail, distribution: info };
  } finally {
    await deleteQuietly(() => custom.deleteNamespacedCustomObject({ ...TEST_RUNS, namespace, name, propagationPolicy: 'Background' }));
    await options.afterDelete(testRunObject);
    await deleteQuietly(() => core.deleteNamespacedConfigMap({ name, namespace }));
    await options.afterDelete(configMap);
  }
}

/** The operator's stages end in `finished` or `error`; past the deadline the runners that made it are read anyway. */
async function waitForTestRun(
  custom: CustomObjectsApi,
  namespace: string,
  name: string,
  deadline: number,
  pollMs: number,
  request: RunRequest,
): Promise<'ended' | 'timed-out' | 'interrupted'> {
  for (;;) {
    if (request.signal?.aborted) return 'interrupted';
    const run = (await custom.getNamespacedCustomObject({ ...TEST_RUNS, namespace, name })) as { status?: { stage?: string } };
    if (run.status?.stage === 'finished' || run.status?.stage === 'error') return 'ended';
    if (Date.now() >= deadline) return 'timed-out';
    await sleep(pollMs, request.signal);
  }
}

/** Runner i (1-based) is the operator's Job `<name>-<i>`: its pod log, or why there is none. */
async function readRunners(core: CoreV1Api, namespace: string, name: string, runners: number, timedOut: boolean): Promise<RunnerSummary[]> {
  const pods = (await core.listNamespacedPod({ namespace, labelSelector: `k6_cr=${name}` })).items;
  const podFor = (i: number): V1Pod | undefined => pods.find((p) => JOB_NAME_LABELS.some((label) => p.metadata?.labels?.[label] === `${name}-${i}`));
  return Promise.all(
    Array.from({ length: runners }, async (_, index): Promise<RunnerSummary> => {
      const runner = `runner-${index + 1}`;
      const pod = podFor(index + 1);
      if (!pod?.metadata?.name) return { name: runner, failure: `never started: no pod for ${name}-${index + 1}${timedOut ? ' before the deadline' : ''}` };
      try {
        const log = await core.readNamespacedPodLog({ name: pod.metadata.name, namespace, container: 'k6' });
        const summary = summaryFromRunnerLog(log) as K6SummaryData | undefined;
        const problems = podProblems(pod);
        return summary ? { name: runner, summary } : { name: runner, failure: `pod ${pod.metadata.name} printed no summary${problems.length ? ` (${problems.join('; ')})` : ''}` };
      } catch (error) {
        return { name: runner, failure: `pod ${pod.metadata.name}: log unreadable: ${apiFailure(error).message}` };
      }
    }),
  );
}

async function deleteQuietly(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

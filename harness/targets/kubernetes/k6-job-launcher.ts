/**
 * The in-mesh launcher on a cluster: real k6 in a Job in the plan's namespace, so its
 * traffic leaves through an injected sidecar exactly as a workload's would. The bundle goes
 * in a ConfigMap, the pinned grafana/k6 image runs it, the summary and the sidecar's
 * counters come back through the pod log, and the Job and ConfigMap are deleted after
 * (the snapshot lists them first, so `bench restore` removes them after a crash).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { BatchV1Api, CoreV1Api, type KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { UserError } from '../../errors/user-error.ts';
import { outcomeForExitCode } from '../../model/k6-outcome.ts';
import { buildBundleConfigMap, buildK6Job, K6_CONTAINER, K6_IMAGE, parsePodLog } from '../../runners/k6-job/k6-job.ts';
import type { RunRequest, RunResult, Runner } from '../../runners/runner.ts';
import { parseDuration } from '../../util/duration.ts';
import { apiFailure, isNotFound } from './api-errors.ts';
import { K6_API_POD_ANNOTATIONS, PAUSED_K6_ARGS, k6WaitsToStart, resumeK6 } from './k6-rest-api.ts';
import type { ClusterLauncherOptions } from './launcher-options.ts';
import type { KubeObject } from './object-ref.ts';
import { podProblems, sleep } from './pods.ts';
import { PROXY_CONFIG_ANNOTATION, proxyStatsConfig } from './workloads.ts';

export interface K6JobLauncherOptions extends ClusterLauncherOptions {
  /** The Job pod's sidecar counters (Prometheus text), when the log had them. */
  onClientStats(text: string | undefined): void;
  /** The user may reach k6's REST API through pods/proxy (get and patch): Jobs can start paused and be resumed together. */
  canResume: boolean;
}

const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

export function createK6JobLauncher(options: K6JobLauncherOptions): Runner {
  const image = options.image ?? K6_IMAGE;
  return {
    name: 'k6-job',
    async version() {
      return image.split(':').at(-1) ?? image;
    },
    run: (request) => runJob(options, image, request),
    startsTogether: options.canResume,
  };
}

async function runJob(options: K6JobLauncherOptions, image: string, request: RunRequest): Promise<RunResult> {
  const { kc, namespace } = options;
  const suffix = randomBytes(4).toString('hex');
  const name = `rb-k6-${suffix}`;
  const fileName = basename(request.bundlePath);
  const bundle = await readFile(request.bundlePath, 'utf8');
  const durationMs = parseDuration(request.env.DURATION ?? '60s');
  const slackMs = options.slackMs ?? 180_000;
  const labels = { 'resilience-bench/cell': suffix };
  const configMap = buildBundleConfigMap({ name, namespace, fileName, bundle, labels }) as KubeObject;
  const job = buildK6Job({
    name,
    namespace,
    configMapName: name,
    fileName,
    env: request.env,
    tags: request.tags,
    inMesh: true,
    nativeSidecar: options.nativeSidecar,
    image,
    labels,
    activeDeadlineSeconds: Math.ceil((durationMs + slackMs) / 1000),
    // One runner of a split run (runners/split-runner.ts): this Job's share of the test.
    extraArgs: [
      ...(request.startGate ? PAUSED_K6_ARGS : []),
      ...(request.executionSegment ? ['--execution-segment', request.executionSegment] : []),
      ...(request.executionSegmentSequence ? ['--execution-segment-sequence', request.executionSegmentSequence] : []),
    ],
  }) as KubeObject;
  // The client sidecar is where retries happen: it needs the counters the report reads.
  const annotations = (job as unknown as V1Job).spec?.template.metadata?.annotations;
  if (annotations) annotations[PROXY_CONFIG_ANNOTATION] = proxyStatsConfig(annotations[PROXY_CONFIG_ANNOTATION]);
  if (annotations && request.startGate) Object.assign(annotations, K6_API_POD_ANNOTATIONS);
  const core = kc.makeApiClient(CoreV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const engine = { name: 'k6-job' as const, version: image.split(':').at(-1) ?? image };

  await options.beforeCreate(configMap);
  await core.createNamespacedConfigMap({ namespace, body: configMap as never });
  try {
    await options.beforeCreate(job);
    await batch.createNamespacedJob({ namespace, body: job as V1Job });
    const deadline = Date.now() + durationMs + slackMs;
    if (request.startGate) {
      // Paused until every runner of the split run is up; a Job that ends first is reported by waitForJob.
      const pod = await waitForPausedK6({ kc, batch, core, namespace, name, deadline, signal: request.signal });
      if (pod) {
        await request.startGate();
        await resumeK6(kc, namespace, pod);
      }
    }
    const finished = await waitForJob({ batch, core, namespace, name, deadline, signal: request.signal });
    if (finished === 'interrupted') return { outcome: 'interrupted', exitCode: 105, engine, detail: 'Ctrl-C: the k6 Job was deleted' };
    const log = await readJobLog(core, namespace, name);
    const parsed = parsePodLog(log.text);
    options.onClientStats(parsed.proxyStats);
    if (!parsed.summary) {
      throw new UserError({
        code: 'K6_JOB_FAILED',
        message: `the k6 Job ${namespace}/${name} ${finished === 'failed' ? 'failed' : 'finished'} without a summary in its log${log.problems.length ? ` (${log.problems.join('; ')})` : ''}: ${tail(log.text)}`,
        fix: `check that the nodes can pull ${image} and that the sidecar let k6 reach the network (kubectl logs job/${name} -c k6 while it runs)`,
        vantage: request.tags.vantage,
      });
    }
    const exitCode = parsed.exitCode ?? (finished === 'failed' ? 1 : 0);
    const outcome = outcomeForExitCode(exitCode);
    return { outcome, exitCode, summary: parsed.summary, engine, ...(outcome === 'ok' ? {} : { detail: tail(log.text) }) };
  } finally {
    await deleteQuietly(() => batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }));
    await options.afterDelete(job);
    await deleteQuietly(() => core.deleteNamespacedConfigMap({ name, namespace }));
    await options.afterDelete(configMap);
  }
}

async function waitForJob(context: { batch: BatchV1Api; core: CoreV1Api; namespace: string; name: string; deadline: number; signal?: AbortSignal }): Promise<'complete' | 'failed' | 'interrupted'> {
  const { batch, core, namespace, name } = context;
  for (;;) {
    if (context.signal?.aborted) return 'interrupted';
    // The k6 container's own end comes first: its log is whole once it has exited, while the
    // Job's condition waits for the sidecar to stop and for the Job controller's next sync
    // (about 2 s more a cell on the test cluster).
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `${JOB_NAME_LABEL}=${name}` });
    const ended = k6ContainerEnded(pods.items) ?? jobEnded(await batch.readNamespacedJob({ name, namespace }));
    if (ended) return ended;
    if (Date.now() >= context.deadline) {
      const problems = pods.items.flatMap((p) => podProblems(p));
      throw new UserError({
        code: 'K6_JOB_FAILED',
        message: `the k6 Job ${namespace}/${name} did not finish in time${problems.length ? `: ${problems.join('; ')}` : pods.items.length === 0 ? ': no pod was created' : ''}`,
        fix: 'check the Job pod (kubectl describe pod -l batch.kubernetes.io/job-name=' + name + '): image pull, admission policies and quota are the usual causes',
      });
    }
    // Two reads a second (the pods, then the Job): the cell's end is noticed within a second, at no cost to the API server.
    await sleep(1000, context.signal);
  }
}

/** How the Job ended, or undefined while it runs (backoffLimit 0: one pod, so its count decides as soon as the condition). */
export function jobEnded(job: V1Job): 'complete' | 'failed' | undefined {
  const conditions = job.status?.conditions ?? [];
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True') || (job.status?.succeeded ?? 0) > 0) return 'complete';
  if (conditions.some((c) => c.type === 'Failed' && c.status === 'True') || (job.status?.failed ?? 0) > 0) return 'failed';
  return undefined;
}

/** How the Job pod's k6 container exited (backoffLimit 0: there is one pod), or undefined while it has not. */
export function k6ContainerEnded(pods: V1Pod[]): 'complete' | 'failed' | undefined {
  for (const pod of pods) {
    const terminated = pod.status?.containerStatuses?.find((c) => c.name === K6_CONTAINER)?.state?.terminated;
    if (terminated) return terminated.exitCode === 0 ? 'complete' : 'failed';
  }
  return undefined;
}

/** The name of the Job's pod once its k6 is initialised and paused (its REST API says so); undefined when the Job ended (or Ctrl-C) first. */
async function waitForPausedK6(context: { kc: KubeConfig; batch: BatchV1Api; core: CoreV1Api; namespace: string; name: string; deadline: number; signal?: AbortSignal }): Promise<string | undefined> {
  const { kc, batch, core, namespace, name } = context;
  while (!context.signal?.aborted && Date.now() < context.deadline) {
    // As in waitForJob, a k6 that exited before it paused (a script error) is seen in its
    // container's state before the Job's condition catches up.
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `${JOB_NAME_LABEL}=${name}` });
    if (k6ContainerEnded(pods.items) ?? jobEnded(await batch.readNamespacedJob({ name, namespace }))) return undefined;
    const pod = pods.items.find((p) => p.status?.phase === 'Running' && p.status.podIP)?.metadata?.name;
    if (pod) {
      try {
        if (await k6WaitsToStart(kc, namespace, pod)) return pod;
      } catch {
        // k6 (or the pod's network) is still starting: ask again.
      }
    }
    await sleep(500, context.signal);
  }
  return undefined;
}

async function readJobLog(core: CoreV1Api, namespace: string, name: string): Promise<{ text: string; problems: string[] }> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `${JOB_NAME_LABEL}=${name}` });
  const pod = pods.items.at(-1);
  if (!pod?.metadata?.name) return { text: '', problems: ['no pod was created'] };
  try {
    return { text: await core.readNamespacedPodLog({ name: pod.metadata.name, namespace, container: K6_CONTAINER }), problems: podProblems(pod) };
  } catch (error) {
    return { text: '', problems: [...podProblems(pod), `log unreadable: ${apiFailure(error).message}`] };
  }
}

async function deleteQuietly(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

function tail(text: string, lines = 5): string {
  return text.trimEnd().split('\n').slice(-lines).join(' | ').slice(0, 600);
}

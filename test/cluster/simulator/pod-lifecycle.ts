/**
 * The scheduler's and the kubelet's part for pods: bind each new pod to the node, give it
 * an IP in the network namespace and report it running and ready (its containers, the
 * injected sidecar included, as they are in the spec); run k6 Job pods to completion; and
 * confirm deletions (a pod on a node stays Terminating until its kubelet says it is gone).
 */
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { LocalMesh } from '../../../harness/mesh/index.ts';
import type { PausedK6Runs } from './k6-api-server.ts';
import type { PodLogs } from './kubelet-server.ts';
import { K6_CONTAINER } from '../../../harness/runners/k6-job/manifests.ts';
import { runK6Pod } from './k6-job-pod.ts';
import { finishedStatus, patchPodStatus, runningStatus } from './pod-status.ts';

const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

export interface PodLifecycleOptions {
  kc: KubeConfig;
  nodeName: string;
  nodeAddress: string;
  allocateIp(): Promise<string>;
  logs: PodLogs;
  mesh(): LocalMesh | undefined;
  /** The k6 API of pods whose k6 starts `--paused`. */
  pausedK6: PausedK6Runs;
  /** Pods whose k6 container fails at once (exit 1, no summary), as a broken image would. */
  failK6Pod?(pod: V1Pod): boolean;
  /** Pods whose k6 is killed this many ms into its load (exit 137, no summary), as on a node that dies mid-run. */
  killK6Pod?(pod: V1Pod): number | undefined;
  log(line: string): void;
}

export class PodLifecycle {
  /** Pod uid → IP, for pods this kubelet started. */
  readonly ips = new Map<string, string>();
  private readonly busy = new Set<string>();
  private readonly finished = new Set<string>();
  readonly running: Promise<void>[] = [];

  constructor(private readonly options: PodLifecycleOptions) {}

  /** The running pod with this IP. */
  podAt(pods: V1Pod[], ip: string): V1Pod | undefined {
    return pods.find((p) => p.status?.podIP === ip && !p.metadata?.deletionTimestamp);
  }

  async tick(pods: V1Pod[]): Promise<void> {
    for (const pod of pods) {
      const uid = pod.metadata?.uid ?? '';
      if (this.busy.has(uid)) continue;
      this.busy.add(uid);
      try {
        await this.step(pod);
      } finally {
        this.busy.delete(uid);
      }
    }
  }

  private async step(pod: V1Pod): Promise<void> {
    const { kc } = this.options;
    const core = kc.makeApiClient(CoreV1Api);
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    const uid = pod.metadata?.uid ?? '';
    if (pod.metadata?.deletionTimestamp) {
      const ip = this.ips.get(uid);
      if (ip) this.options.pausedK6.abort(ip);
      await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
      this.ips.delete(uid);
      return;
    }
    if (!pod.spec?.nodeName) {
      await core.createNamespacedPodBinding({ name, namespace, body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: this.options.nodeName } } });
      return;
    }
    if (pod.spec.nodeName !== this.options.nodeName || this.finished.has(uid)) return;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    if (!this.ips.has(uid)) {
      const ip = await this.options.allocateIp();
      await patchPodStatus(kc, pod, runningStatus(pod, ip, this.options.nodeAddress));
      this.ips.set(uid, ip);
      this.options.log(`pod ${namespace}/${name} running at ${ip}`);
      if (pod.metadata?.labels?.[JOB_NAME_LABEL] && pod.spec.containers.some((c) => c.name === K6_CONTAINER)) this.running.push(this.runJobPod(pod));
    }
  }

  private async runJobPod(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    this.finished.add(pod.metadata?.uid ?? '');
    let log: string;
    let exitCode: number;
    const mesh = this.options.mesh();
    if (this.options.failK6Pod?.(pod)) {
      log = 'exec /usr/bin/k6: exec format error\n';
      exitCode = 1;
    } else if (!mesh) {
      log = 'ERRO[0000] no route to the mesh: the sidecar has no configuration\n';
      exitCode = 1;
    } else {
      try {
        ({ log, exitCode } = await runK6Pod(this.options.kc, pod, this.ips.get(pod.metadata?.uid ?? '') ?? '', mesh, this.options.pausedK6, this.options.killK6Pod?.(pod)));
      } catch (error) {
        log = `ERRO[0000] ${error instanceof Error ? error.message : String(error)}\n`;
        exitCode = 1;
      }
    }
    this.options.logs.set(namespace, name, K6_CONTAINER, log);
    this.options.log(`k6 pod ${namespace}/${name} exited ${exitCode}`);
    for (let attempt = 0; ; attempt++) {
      try {
        await patchPodStatus(this.options.kc, pod, finishedStatus(pod, { [K6_CONTAINER]: exitCode }));
        return;
      } catch (error) {
        // The API server may be restarting: a kubelet keeps trying to report.
        if (attempt > 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
}

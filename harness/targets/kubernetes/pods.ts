/** Reading pods: readiness, whether Istio's sidecar is in them, and why one is not running. */
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';

export const SIDECAR_CONTAINER = 'istio-proxy';

export function isReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isTerminating(pod: V1Pod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

/** A classic sidecar is a container; a native one an init container that keeps running (restartPolicy Always). */
export function sidecarKind(pod: V1Pod): 'classic' | 'native' | undefined {
  if ((pod.spec?.containers ?? []).some((c) => c.name === SIDECAR_CONTAINER)) return 'classic';
  if ((pod.spec?.initContainers ?? []).some((c) => c.name === SIDECAR_CONTAINER && c.restartPolicy === 'Always')) return 'native';
  return undefined;
}

/** `app: ImagePullBackOff (…)`, `Unschedulable: 0/3 nodes…`: what keeps a pod from running, for timeout messages. */
export function podProblems(pod: V1Pod): string[] {
  const problems: string[] = [];
  for (const condition of pod.status?.conditions ?? []) {
    if (condition.type === 'PodScheduled' && condition.status === 'False') problems.push(`${condition.reason ?? 'not scheduled'}: ${condition.message ?? ''}`.trim());
  }
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && waiting.reason !== 'PodInitializing' && waiting.reason !== 'ContainerCreating') problems.push(`${status.name}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`);
    const terminated = status.state?.terminated;
    if (terminated && terminated.exitCode !== 0 && status.name !== SIDECAR_CONTAINER) problems.push(`${status.name}: exited ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}`);
  }
  return problems;
}

export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export async function listPods(kc: KubeConfig, namespace: string, labels: Record<string, string>): Promise<V1Pod[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: selectorString(labels) });
  return list.items.filter((p) => !isTerminating(p));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

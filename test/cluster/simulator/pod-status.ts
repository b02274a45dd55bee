/**
 * Pod status as a kubelet writes it (PATCH pods/{name}/status): running and ready with an
 * IP, or finished with each container's exit code.
 */
import { CoreV1Api, type KubeConfig, PatchStrategy, setHeaderOptions, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';

function containerNames(pod: V1Pod): string[] {
  return (pod.spec?.containers ?? []).map((c) => c.name);
}

function image(pod: V1Pod, name: string): string {
  return pod.spec?.containers?.find((c) => c.name === name)?.image ?? 'unknown';
}

export function runningStatus(pod: V1Pod, podIp: string, hostIp: string): Record<string, unknown> {
  const now = new Date().toISOString();
  const containerStatuses: V1ContainerStatus[] = containerNames(pod).map((name) => ({
    name,
    image: image(pod, name),
    imageID: '',
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: now as unknown as Date } },
  }));
  return {
    phase: 'Running',
    hostIP: hostIp,
    podIP: podIp,
    podIPs: [{ ip: podIp }],
    startTime: now,
    conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
    containerStatuses,
  };
}

/** Every container terminated; `exitCodes` by container name (others exit 0). */
export function finishedStatus(pod: V1Pod, exitCodes: Record<string, number>): Record<string, unknown> {
  const now = new Date().toISOString();
  const failed = Object.values(exitCodes).some((code) => code !== 0);
  return {
    phase: failed ? 'Failed' : 'Succeeded',
    conditions: [
      { type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: now },
      { type: 'ContainersReady', status: 'False', reason: 'PodCompleted', lastTransitionTime: now },
    ],
    containerStatuses: containerNames(pod).map((name) => {
      const exitCode = exitCodes[name] ?? 0;
      return { name, image: image(pod, name), imageID: '', ready: false, started: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: now, finishedAt: now } } };
    }),
  };
}

export async function patchPodStatus(kc: KubeConfig, pod: V1Pod, status: Record<string, unknown>): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .patchNamespacedPodStatus({ name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

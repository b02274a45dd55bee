/**
 * The plan's workloads as a cluster gets them: the Deployments, Services and
 * ServiceAccounts from the workload files, with the sidecar annotation the report needs
 * (Istio keeps only a few Envoy stats unless `proxyStatsMatcher` asks for the retry,
 * per-try timeout, overflow and outlier counters; it applies to new pods, which a changed
 * pod template gives), and the sample app image replaced when the user brings their own.
 * Namespaces are not applied from the files: the target creates and labels them itself.
 */
import { AppsV1Api, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { UserError } from '../../errors/user-error.ts';
import type { Plan } from '../../model/plan.ts';
import { type KubeObject, refKey, refOf, toKubeObject } from './object-ref.ts';
import { isReady, listPods, podProblems, sidecarKind, sleep } from './pods.ts';

export const PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';
/** The image the workload files name for the sample app. */
export const SAMPLE_APP_IMAGE = /^(?:[^/]+\/)*resilience-bench\/sample-app(?::[^/]*)?$/;

/** Envoy stat names (full, with the cluster) the report reads; everything else stays off. */
export const STATS_INCLUSION_REGEXPS = [
  '.*upstream_rq_retry.*',
  '.*upstream_rq_per_try_timeout',
  '.*upstream_rq_timeout',
  '.*upstream_rq_pending_overflow',
  '.*upstream_cx_overflow',
  '.*upstream_rq_total',
  '.*outlier_detection.*',
  '.*fault\\..*',
];

export function proxyStatsConfig(existing?: string): string {
  let config: Record<string, unknown> = {};
  if (existing) {
    try {
      config = JSON.parse(existing) as Record<string, unknown>;
    } catch {
      throw new UserError({ code: 'WORKLOAD_INVALID_FIELD', message: `the ${PROXY_CONFIG_ANNOTATION} annotation is not JSON, so the bench cannot add proxyStatsMatcher to it`, fix: 'write the annotation as JSON' });
    }
  }
  const matcher = (config.proxyStatsMatcher ?? {}) as { inclusionRegexps?: string[] };
  const regexps = [...new Set([...(matcher.inclusionRegexps ?? []), ...STATS_INCLUSION_REGEXPS])];
  return JSON.stringify({ ...config, proxyStatsMatcher: { ...matcher, inclusionRegexps: regexps } });
}

/** Every workload object once (two Deployments may share a ServiceAccount), without Namespaces. */
export function workloadObjects(plan: Plan, options: { appImage?: string } = {}): KubeObject[] {
  const seen = new Map<string, KubeObject>();
  for (const workload of plan.workloads) {
    for (const manifest of workload.objects) {
      if (manifest.kind === 'Namespace') continue;
      const object = toKubeObject(manifest);
      if (object.kind === 'Deployment') prepareDeployment(object, options.appImage);
      seen.set(refKey(refOf(object)), object);
    }
  }
  return [...seen.values()];
}

/** Namespaces the workloads live in, the plan's own first. */
export function workloadNamespaces(plan: Plan): string[] {
  return [...new Set([plan.namespace, ...plan.workloads.map((w) => w.namespace)])];
}

function prepareDeployment(object: KubeObject, appImage: string | undefined): void {
  const spec = object.spec as { template?: { metadata?: { annotations?: Record<string, string> }; spec?: { containers?: { image?: string }[] } } };
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.metadata.annotations ??= {};
  const annotations = spec.template.metadata.annotations;
  annotations[PROXY_CONFIG_ANNOTATION] = proxyStatsConfig(annotations[PROXY_CONFIG_ANNOTATION]);
  if (appImage) {
    for (const container of spec.template.spec?.containers ?? []) {
      if (container.image && SAMPLE_APP_IMAGE.test(container.image)) container.image = appImage;
    }
  }
}

/** Whether the Deployment's status shows the current template fully rolled out and available. */
export function rolledOut(deployment: V1Deployment): boolean {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return (
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1) &&
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired
  );
}

/** Waits until every Deployment is rolled out and each of its pods runs Istio's sidecar. */
export async function waitForRollout(options: { kc: KubeConfig; deployments: KubeObject[]; timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const apps = options.kc.makeApiClient(AppsV1Api);
  const deadline = Date.now() + options.timeoutMs;
  for (const object of options.deployments) {
    const namespace = object.metadata.namespace ?? 'default';
    const name = object.metadata.name;
    let why = 'no status yet';
    for (;;) {
      if (options.signal?.aborted) return;
      const deployment = await apps.readNamespacedDeployment({ name, namespace });
      const labels = deployment.spec?.selector?.matchLabels ?? {};
      if (rolledOut(deployment)) {
        const pods = await listPods(options.kc, namespace, labels);
        const bare = pods.filter((p) => isReady(p) && !sidecarKind(p));
        if (bare.length === 0) break;
        throw new UserError({
          code: 'SIDECAR_MISSING',
          message: `pods of Deployment ${namespace}/${name} run without Istio's sidecar: ${bare.map((p) => p.metadata?.name).join(', ')}`,
          fix: `check that namespace ${namespace} has the injection label the target set and that istiod's injector webhook is reachable; a pod label sidecar.istio.io/inject=false also prevents it`,
        });
      }
      const status = deployment.status ?? {};
      const pods = await listPods(options.kc, namespace, labels);
      const problems = pods.flatMap((p) => podProblems(p).map((problem) => `${p.metadata?.name}: ${problem}`));
      why = `${status.updatedReplicas ?? 0}/${deployment.spec?.replicas ?? 1} updated, ${status.availableReplicas ?? 0} available${problems.length ? `; ${problems.join('; ')}` : ''}`;
      if (Date.now() >= deadline) {
        throw new UserError({
          code: 'ROLLOUT_TIMEOUT',
          message: `Deployment ${namespace}/${name} did not roll out within ${options.timeoutMs} ms: ${why}`,
          fix: 'look at the pods (kubectl describe pod): an image the nodes cannot pull needs --app-image <your registry>/sample-app:<tag>; pending pods need capacity',
        });
      }
      // Two reads a second (Deployment and pods): a rollout is noticed within a second of its end.
      await sleep(1000, options.signal);
    }
  }
}

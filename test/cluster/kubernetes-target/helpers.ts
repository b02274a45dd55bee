/**
 * Shared pieces of the kubernetes target's cluster tests: a control plane with Istio's
 * kinds installed (istio-crds.yaml), an injector webhook that never fires (only its
 * labels matter to the bench), users bound to the shipped roles, the retries-lab plan with
 * its Deployment scaled to zero (no kubelet here: a rollout of zero pods completes), and a
 * listing of every object the bench may touch, to compare a namespace before and after.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, CustomObjectsApi, type KubeConfig, KubernetesObjectApi, loadAllYaml, type KubernetesObject } from '@kubernetes/client-node';
import { OutageTolerantKubeConfig } from '../../../harness/targets/kubernetes/ride-out-outages.ts';
import { loadPlan } from '../../../harness/plan/load-plan.ts';
import { resolvePlanPath } from '../../../harness/plan/resolve-plan.ts';
import type { Plan } from '../../../harness/model/plan.ts';
import { projectRoot } from '../../../harness/util/project-root.ts';
import { type ControlPlane, startControlPlane } from '../fixture/control-plane.ts';

export const NAMESPACE = 'retryns';
const HERE = join(projectRoot, 'test', 'cluster', 'kubernetes-target');
export const ROLE_FILE = join(projectRoot, 'manifests', 'rbac', 'resilience-bench-role.yaml');

/** As the bench connects: its clients retry a throttled or briefly absent API server. */
export function kubeConfig(path: string): KubeConfig {
  const kc = new OutageTolerantKubeConfig();
  kc.loadFromFile(path);
  return kc;
}

export function yamlObjects(file: string): KubernetesObject[] {
  return (loadAllYaml(readFileSync(file, 'utf8')) as (KubernetesObject | null)[]).filter((o): o is KubernetesObject => Boolean(o));
}

export async function createAll(kc: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) await api.create(object);
}

export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Installs the minimal Istio CRDs and waits until the API server serves them. */
export async function installIstioCrds(kc: KubeConfig): Promise<void> {
  await createAll(kc, yamlObjects(join(HERE, 'istio-crds.yaml')));
  const api = kc.makeApiClient(CustomObjectsApi);
  for (const [group, plural] of [
    ['networking.istio.io', 'virtualservices'],
    ['networking.istio.io', 'destinationrules'],
    ['networking.istio.io', 'gateways'],
    ['security.istio.io', 'peerauthentications'],
  ]) {
    await eventually(`${plural} served`, async () => ((await api.getAPIResources({ group, version: 'v1' })).resources.some((r) => r.name === plural) ? true : undefined));
  }
}

/**
 * An injector webhook as istiod registers it (label app=sidecar-injector, istio.io/rev for a
 * revision); its object selector matches no pod, so it never calls anything.
 */
export function injectorWebhook(revision?: string): KubernetesObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: revision ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector', labels: { app: 'sidecar-injector', ...(revision ? { 'istio.io/rev': revision } : {}) } },
    webhooks: [
      {
        name: 'namespace.sidecar-injector.istio.io',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Ignore',
        clientConfig: { url: 'https://127.0.0.1:1/inject' },
        objectSelector: { matchLabels: { 'resilience-bench-test/never': 'true' } },
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
      },
    ],
  } as KubernetesObject;
}

/** Binds `user` to the shipped roles: the cluster role cluster-wide, the namespaced one in `namespace`. */
export async function bindShippedRoles(admin: KubeConfig, user: string, namespace: string, roleObjects = yamlObjects(ROLE_FILE), suffix = user): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(admin);
  for (const role of roleObjects) {
    const name = `${role.metadata?.name}-${suffix}`;
    await api.create({ ...role, metadata: { ...role.metadata, name } });
    const subjects = [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }];
    const roleRef = { kind: 'ClusterRole', name, apiGroup: 'rbac.authorization.k8s.io' };
    if (role.metadata?.name === 'resilience-bench-cluster') {
      await api.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, subjects, roleRef } as KubernetesObject);
    } else {
      await api.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace }, subjects, roleRef } as KubernetesObject);
    }
  }
}

/** The retries-lab plan with its Deployment at zero replicas, from the in-mesh vantage only. */
export async function testPlan(): Promise<Plan> {
  const plan = await loadPlan(resolvePlanPath('retries-lab', projectRoot));
  for (const workload of plan.workloads) {
    for (const object of workload.objects) if (object.kind === 'Deployment') (object.spec as { replicas: number }).replicas = 0;
  }
  return { ...plan, vantages: ['in-mesh'] };
}

const KINDS: [string, string][] = [
  ['apps/v1', 'Deployment'],
  ['v1', 'Service'],
  ['v1', 'ServiceAccount'],
  ['v1', 'ConfigMap'],
  ['batch/v1', 'Job'],
  ['networking.istio.io/v1', 'VirtualService'],
  ['networking.istio.io/v1', 'DestinationRule'],
  ['networking.istio.io/v1', 'Gateway'],
  ['security.istio.io/v1', 'PeerAuthentication'],
];

/**
 * Every object of the kinds the bench touches in `namespace`, plus the namespace's labels,
 * without what the server maintains (versions, timestamps, managers, status), keyed by
 * kind/name. Objects the controllers create on their own (the root CA ConfigMap, the
 * default ServiceAccount) are included: they must survive too.
 */
export async function namespaceState(kc: KubeConfig, namespace: string): Promise<Record<string, unknown>> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const state: Record<string, unknown> = {};
  try {
    const ns = await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    state.Namespace = { labels: ns.metadata?.labels ?? {}, annotations: ns.metadata?.annotations ?? {} };
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 404)) throw error;
    state.Namespace = 'absent';
    return state;
  }
  for (const [apiVersion, kind] of KINDS) {
    const list = await api.list(apiVersion, kind, namespace);
    for (const item of list.items) {
      const { metadata, ...rest } = item as KubernetesObject & { status?: unknown };
      delete (rest as { status?: unknown }).status;
      state[`${kind}/${metadata?.name}`] = { labels: metadata?.labels ?? {}, annotations: metadata?.annotations ?? {}, ...rest };
    }
  }
  return state;
}

export async function startTestCluster(): Promise<{ cp: ControlPlane; admin: KubeConfig }> {
  const cp = await startControlPlane();
  return { cp, admin: kubeConfig(cp.adminKubeconfigPath) };
}

/** Everything secret in a kubeconfig file: keys, certificates, tokens. */
export function kubeconfigSecrets(path: string): string[] {
  const kc = kubeConfig(path);
  const secrets: string[] = [];
  for (const user of kc.getUsers()) {
    for (const value of [user.keyData, user.certData, user.token, user.password]) if (value) secrets.push(value, Buffer.from(value, 'base64').toString('utf8').split('\n')[1] ?? value);
  }
  return secrets.filter((s) => s && s.length > 16);
}

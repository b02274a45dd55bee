/**
 * Everything checked before the first change, each failure an environment error with its
 * fix (exit 3): the API server answers and accepts the credentials, the Istio kinds the
 * plan uses are served, every permission the run needs is granted (one
 * SelfSubjectAccessReview each; all missing ones named together), and sidecar injection
 * can be switched on for the plan's namespace.
 */
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  VersionApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { UserError } from '../../errors/user-error.ts';
import type { Plan, VantageName } from '../../model/plan.ts';
import { apiFailure } from './api-errors.ts';
import type { ClusterConnection } from './connect.ts';
import { decideInjection, injectorRevisions, type InjectionChoice, type InjectionDecision } from './injection.ts';
import { ISTIO_SYSTEM_NAMESPACES, istiodInfo, type IstiodInfo } from './istio-install.ts';
import { type AccessRequirement, accessRequirements, describeRequirement, resourceOf } from './rbac-requirements.ts';
import { apiGroup } from './object-ref.ts';

export interface PreflightOptions {
  connection: ClusterConnection;
  plan: Plan;
  vantages: readonly VantageName[];
  injection: InjectionChoice;
  keep?: boolean;
  gatewayNamespace?: string;
  timeoutMs?: number;
}

export interface PreflightResult {
  kubernetesVersion: string;
  kubernetesMinor: number;
  istiod?: IstiodInfo;
  injection: InjectionDecision;
  /** Optional permissions, by what they enable. */
  can: { exec: boolean; podProxy: boolean; podProxyPatch: boolean; listNodes: boolean; testRuns: boolean };
  /** Things the run does differently because an optional permission is missing. */
  notes: string[];
}

export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const { connection, plan } = options;
  const kc = connection.kc;
  const version = await checkReachable(connection, options.timeoutMs ?? 15_000);
  await checkIstioKinds(kc, plan);
  const requirements = accessRequirements({ plan, vantages: options.vantages, keep: options.keep, gatewayNamespace: options.gatewayNamespace });
  const denied = await deniedRequirements(kc, requirements);
  const missing = denied.filter((r) => !r.fallback);
  if (missing.length > 0) {
    throw new UserError({
      code: 'RBAC_DENIED',
      message: `user "${connection.user}" (context ${connection.context}) may not: ${missing.map((r) => `${describeRequirement(r)} (to ${r.why})`).join('; ')}`,
      fix: 'bind the role in manifests/rbac/ (see README "Run on a cluster"), or ask a cluster admin for these permissions',
    });
  }
  const isDenied = (verb: string, resource: string, subresource?: string) => denied.some((r) => r.verb === verb && r.resource === resource && r.subresource === subresource);
  const notes = denied.map((r) => `no permission to ${describeRequirement(r)}: ${r.fallback}`);

  const istiod = isDenied('list', 'deployments') ? undefined : await findIstiod(kc);
  const revisions = isDenied('list', 'mutatingwebhookconfigurations') ? undefined : await listInjectorRevisions(kc);
  const namespaceLabels = await readNamespaceLabels(kc, plan.namespace);
  const injection = decideInjection({ choice: options.injection, revisions, namespaceLabels });
  return {
    kubernetesVersion: version.gitVersion,
    kubernetesMinor: Number.parseInt(version.minor, 10) || 0,
    istiod,
    injection,
    can: { exec: !isDenied('create', 'pods', 'exec') && !isDenied('get', 'pods', 'exec'), podProxy: !isDenied('get', 'pods', 'proxy'), podProxyPatch: !isDenied('patch', 'pods', 'proxy'), listNodes: !isDenied('list', 'nodes'), testRuns: ['get', 'create', 'delete'].every((verb) => !isDenied(verb, 'testruns')) },
    notes,
  };
}

async function checkReachable(connection: ClusterConnection, timeoutMs: number): Promise<{ gitVersion: string; minor: string }> {
  // Direct: an absent cluster must fail now, not after the outage budget.
  const api = connection.kc.makeDirectApiClient(VersionApi);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const info = await Promise.race([api.getCode(), timeout]);
    return { gitVersion: info.gitVersion, minor: info.minor.replace(/\D.*$/, '') };
  } catch (error) {
    const failure = apiFailure(error);
    if (failure.status === 401) {
      throw new UserError({
        code: 'CLUSTER_AUTH_FAILED',
        message: `${connection.server} refused the credentials of user "${connection.user}" (context ${connection.context}): 401 Unauthorized`,
        fix: 'refresh your credentials (e.g. az aks get-credentials, or kubelogin for Entra ID clusters) and try again',
      });
    }
    throw new UserError({
      code: 'CLUSTER_UNREACHABLE',
      message: `cannot reach the API server ${connection.server} (context ${connection.context}): ${failure.message}`,
      fix: 'check the context (--context), the network path to the cluster (VPN, private cluster) and that the cluster is running',
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Every Istio apiVersion/kind the stages use must be served; a missing group means Istio is not installed. */
async function checkIstioKinds(kc: KubeConfig, plan: Plan): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const stage of plan.stages) {
    const { virtualServices, destinationRules, peerAuthentications, gateways } = stage.config;
    for (const object of [...virtualServices, ...destinationRules, ...peerAuthentications, ...gateways]) {
      if (!wanted.has(object.apiVersion)) wanted.set(object.apiVersion, new Set());
      wanted.get(object.apiVersion)!.add(object.kind);
    }
  }
  const api = kc.makeApiClient(CustomObjectsApi);
  const missing: string[] = [];
  for (const [apiVersion, kinds] of wanted) {
    const [group, version] = [apiGroup(apiVersion), apiVersion.split('/')[1]];
    let served: string[] = [];
    try {
      const list = await api.getAPIResources({ group, version });
      served = list.resources.map((r) => r.name);
    } catch (error) {
      if (apiFailure(error).status !== 404) throw error;
    }
    for (const kind of kinds) if (!served.includes(resourceOf(kind))) missing.push(`${kind} (${apiVersion})`);
  }
  if (missing.length > 0) {
    throw new UserError({
      code: 'ISTIO_CRDS_MISSING',
      message: `the cluster does not serve ${missing.join(', ')}: Istio's CRDs are not installed, or are older than the plan's apiVersions`,
      fix: 'install Istio (istioctl install, helm install istio-base, or az aks mesh enable for the AKS add-on), or use the apiVersions your Istio serves',
    });
  }
}

async function deniedRequirements(kc: KubeConfig, requirements: AccessRequirement[]): Promise<AccessRequirement[]> {
  const api = kc.makeApiClient(AuthorizationV1Api);
  const denied: AccessRequirement[] = [];
  // A few reviews at a time: a plan needs about a hundred, and API servers rate-limit.
  const queue = [...requirements];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      const review = await api.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: r.verb, group: r.group, resource: r.resource, subresource: r.subresource, namespace: r.namespace } },
        },
      });
      if (!review.status?.allowed) denied.push(r);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return requirements.filter((r) => denied.includes(r));
}

async function findIstiod(kc: KubeConfig): Promise<IstiodInfo | undefined> {
  const api = kc.makeApiClient(AppsV1Api);
  for (const namespace of ISTIO_SYSTEM_NAMESPACES) {
    try {
      const list = await api.listNamespacedDeployment({ namespace, labelSelector: 'app=istiod' });
      if (list.items.length > 0) return istiodInfo(list.items[0]);
    } catch (error) {
      if (apiFailure(error).status !== 404 && apiFailure(error).status !== 403) throw error;
    }
  }
  return undefined;
}

async function listInjectorRevisions(kc: KubeConfig): Promise<string[]> {
  const list = await kc.makeApiClient(AdmissionregistrationV1Api).listMutatingWebhookConfiguration();
  return injectorRevisions(list.items);
}

async function readNamespaceLabels(kc: KubeConfig, name: string): Promise<Record<string, string> | undefined> {
  try {
    return (await kc.makeApiClient(CoreV1Api).readNamespace({ name })).metadata?.labels ?? {};
  } catch (error) {
    if (apiFailure(error).status === 404) return undefined;
    throw error;
  }
}

/**
 * Every API permission a run needs, derived from the plan alone, so preflight can check
 * them all with SelfSubjectAccessReview before anything changes and name the missing
 * ones. Optional permissions only enable a better method (config dump over exec, proxy
 * stats, injection detection); without them the run falls back and says so.
 * manifests/rbac/ grants exactly these (test/cluster/kubernetes-target checks it).
 */
import type { Plan, VantageName } from '../../model/plan.ts';
import { apiGroup } from './object-ref.ts';
import { ISTIO_SYSTEM_NAMESPACES } from './istio-install.ts';

export interface AccessRequirement {
  verb: string;
  /** API group; '' is the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** Absent for cluster-scoped resources. */
  namespace?: string;
  /** What it is for, in the error message. */
  why: string;
  /** Set when the run can do without it: what it does instead. */
  fallback?: string;
}

export interface RequirementOptions {
  plan: Plan;
  vantages: readonly VantageName[];
  /** Namespace of the ingress gateway Service (gateway vantage). */
  gatewayNamespace?: string;
  /** --keep: created objects stay, so no delete is needed for them. */
  keep?: boolean;
}

const KIND_RESOURCES: Record<string, string> = {
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
  PeerAuthentication: 'peerauthentications',
  Gateway: 'gateways',
  Deployment: 'deployments',
  Service: 'services',
  ServiceAccount: 'serviceaccounts',
  ConfigMap: 'configmaps',
  Namespace: 'namespaces',
};

/** The plural resource of a kind the bench applies. */
export function resourceOf(kind: string): string {
  return KIND_RESOURCES[kind] ?? `${kind.toLowerCase()}s`;
}

/** Applied with server-side apply (patch, create when absent), read for the snapshot, put back with update, removed with delete. */
const MANAGED_VERBS = ['get', 'create', 'patch', 'update', 'delete'];

export function accessRequirements(options: RequirementOptions): AccessRequirement[] {
  const { plan } = options;
  const list: AccessRequirement[] = [];
  const add = (verbs: string[], base: Omit<AccessRequirement, 'verb'>) => {
    for (const verb of verbs) list.push({ verb, ...base });
  };

  const namespaces = new Set<string>([plan.namespace]);
  const managed = new Map<string, { group: string; resource: string; namespace: string }>();
  const manage = (apiVersion: string, kind: string, namespace: string | undefined) => {
    if (kind === 'Namespace') return;
    const ns = namespace ?? 'default';
    namespaces.add(ns);
    const entry = { group: apiGroup(apiVersion), resource: resourceOf(kind), namespace: ns };
    managed.set(`${entry.group}/${entry.resource}/${ns}`, entry);
  };
  for (const workload of plan.workloads) {
    for (const object of workload.objects) manage(object.apiVersion, object.kind, object.metadata.namespace ?? workload.namespace);
  }
  for (const stage of plan.stages) {
    const { virtualServices, destinationRules, peerAuthentications, gateways } = stage.config;
    for (const object of [...virtualServices, ...destinationRules, ...peerAuthentications, ...gateways]) manage(object.apiVersion, object.kind, object.metadata.namespace);
  }

  add(options.keep ? ['get', 'create', 'patch'] : ['get', 'create', 'patch', 'delete'], {
    group: '',
    resource: 'namespaces',
    why: 'create the namespaces of the plan when absent and label them for sidecar injection',
  });
  for (const entry of managed.values()) {
    add(MANAGED_VERBS, { ...entry, why: `apply, snapshot and restore the plan's ${entry.resource}` });
  }
  for (const namespace of namespaces) {
    add(['get', 'list'], { group: '', resource: 'pods', namespace, why: 'wait for rollouts with sidecars and find the pods to read' });
    add(['get'], { group: '', resource: 'pods', subresource: 'proxy', namespace, why: "read the sidecars' counters on port 15020", fallback: 'proxy counters are reported as not measured' });
    // Exec over WebSocket is authorized as get, and since Kubernetes 1.31 also as create.
    add(['get', 'create'], { group: '', resource: 'pods', subresource: 'exec', namespace, why: "read a sidecar's route configuration (config dump) to see a stage arrive", fallback: 'a fixed settle time after each stage' });
  }
  if (options.vantages.includes('in-mesh')) {
    const namespace = plan.namespace;
    add(['get', 'create', 'delete'], { group: '', resource: 'configmaps', namespace, why: 'hold the k6 bundle for the in-mesh Job' });
    add(['get', 'create', 'delete'], { group: 'batch', resource: 'jobs', namespace, why: 'run k6 inside the mesh' });
    add(['get'], { group: '', resource: 'pods', subresource: 'log', namespace, why: "read the k6 summary from the Job's pod log" });
    if ((plan.scenario.runners ?? 1) > 1) {
      add(['get', 'create', 'delete'], { group: 'k6.io', resource: 'testruns', namespace, why: 'hand split in-mesh load to the k6-operator', fallback: 'N plain Jobs with k6 execution segments' });
      add(['get', 'patch'], { group: '', resource: 'pods', subresource: 'proxy', namespace, why: "start those Jobs' k6 paused and resume them together (k6's REST API on port 6565)", fallback: 'each Job starts its load as its pod comes up' });
    }
  }
  if (options.vantages.includes('external')) {
    add(['get'], { group: '', resource: 'services', namespace: plan.namespace, why: "find the Service's LoadBalancer address or NodePort" });
    add(['list'], { group: '', resource: 'nodes', why: 'find a node address for a NodePort Service', fallback: 'pass --external-url, or give the Service a LoadBalancer address' });
  }
  if (options.vantages.includes('gateway')) {
    add(['get', 'list'], { group: '', resource: 'services', namespace: options.gatewayNamespace ?? 'istio-system', why: "find the ingress gateway Service's address" });
  }
  add(['list'], {
    group: 'admissionregistration.k8s.io',
    resource: 'mutatingwebhookconfigurations',
    why: "find Istio's sidecar injector and its revision",
    fallback: 'the injection label is taken from --injection or the namespace',
  });
  for (const namespace of ISTIO_SYSTEM_NAMESPACES) {
    add(['list'], { group: 'apps', resource: 'deployments', namespace, why: "read istiod's version", fallback: 'the Istio version is reported as unknown' });
  }
  return dedupe(list);
}

function dedupe(list: AccessRequirement[]): AccessRequirement[] {
  const seen = new Map<string, AccessRequirement>();
  for (const item of list) {
    const key = requirementKey(item);
    const existing = seen.get(key);
    // A permission both required and optional is required.
    if (!existing || (existing.fallback && !item.fallback)) seen.set(key, item);
  }
  return [...seen.values()];
}

function requirementKey(r: AccessRequirement): string {
  return `${r.verb} ${r.group}/${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.namespace ?? '*'}`;
}

/** `create pods/exec in namespace retryns`, `list admissionregistration.k8s.io/mutatingwebhookconfigurations (cluster-wide)`. */
export function describeRequirement(r: AccessRequirement): string {
  const resource = `${r.group ? `${r.group}/` : ''}${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
  return `${r.verb} ${resource} ${r.namespace ? `in namespace ${r.namespace}` : '(cluster-wide)'}`;
}

/**
 * Workload files (Namespace, ServiceAccount, Deployment, Service) → `WorkloadSpec`s: one
 * per Deployment, joined with the Service that selects its pods. The app's behaviour is
 * read from the first container's env, the same variables the sample app reads on a
 * cluster. A Gateway may live in a workload file too: it is shared by every stage.
 */
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors/user-error.ts';
import type { ErrorCode } from '../errors/error-codes.ts';
import { isRecord } from '../yaml/field-schema.ts';
import { locateField } from '../yaml/parse-manifests.ts';
import type { Gateway, ManifestObject } from '../model/istio-objects.ts';
import { BEHAVIOUR_ENV, type BehaviourField, DEFAULT_BEHAVIOUR, parseBehaviourField } from '../model/behaviour.ts';
import type { AppBehaviour, WorkloadSpec } from '../model/plan.ts';

export interface BuiltWorkloads {
  workloads: WorkloadSpec[];
  /** Istio Gateways found in workload files; added to every stage's config. */
  gateways: Gateway[];
  errors: UserError[];
}

const WORKLOAD_KINDS = ['Namespace', 'ServiceAccount', 'Deployment', 'Service', 'ConfigMap', 'Gateway'];
const INJECT = 'sidecar.istio.io/inject';
const PROXY_CONFIG = 'proxy.istio.io/config';

export function buildWorkloads(objects: ManifestObject[]): BuiltWorkloads {
  const errors: UserError[] = [];
  const fail = (object: ManifestObject, path: string, code: ErrorCode, message: string, fix: string) =>
    errors.push(new UserError({ code, message, fix, location: locateField(object, path) }));

  for (const object of objects) {
    if (!WORKLOAD_KINDS.includes(object.kind)) {
      fail(object, 'kind', 'WORKLOAD_UNKNOWN_KIND', `kind ${object.kind} is not supported in a workload file`, `use ${WORKLOAD_KINDS.join(', ')}; Istio policies go in a stage's config`);
    }
  }
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  const services = objects.filter((o) => o.kind === 'Service');
  const gateways = objects.filter((o) => o.kind === 'Gateway') as unknown as Gateway[];
  const workloads: WorkloadSpec[] = [];

  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const before = errors.length;
    const spec = deployment.spec;
    const namespace = deployment.metadata.namespace ?? 'default';
    const replicas = spec.replicas ?? 1;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1) {
      fail(deployment, 'spec.replicas', 'WORKLOAD_INVALID_FIELD', `spec.replicas must be a whole number ≥ 1, got ${JSON.stringify(replicas)}`, 'set `replicas: 1` or more');
    }
    const template = isRecord(spec.template) ? spec.template : {};
    const templateMeta = isRecord(template.metadata) ? template.metadata : {};
    const labels = templateLabels(deployment);
    const annotations = isRecord(templateMeta.annotations) ? stringRecord(templateMeta.annotations) : {};
    if (Object.keys(labels).length === 0) {
      fail(deployment, 'spec.template.metadata', 'WORKLOAD_MISSING_FIELD', `Deployment ${deployment.metadata.name} has no pod labels`, 'add spec.template.metadata.labels (e.g. `app: <name>`) so a Service can select the pods');
    }
    const podSpec = isRecord(template.spec) ? template.spec : {};
    const containers = Array.isArray(podSpec.containers) ? podSpec.containers.filter(isRecord) : [];
    if (containers.length === 0) {
      fail(deployment, 'spec.template.spec', 'WORKLOAD_MISSING_FIELD', `Deployment ${deployment.metadata.name} has no containers`, 'add spec.template.spec.containers with the app container');
      continue;
    }
    const behaviour = readBehaviour(deployment, containers[0], errors);

    const service = services.find((s) => (s.metadata.namespace ?? 'default') === namespace && selects(s.spec.selector, labels));
    if (!service) {
      fail(deployment, 'metadata.name', 'WORKLOAD_NO_SERVICE', `no Service in namespace ${namespace} selects the pods of Deployment ${deployment.metadata.name}`, `add a Service with \`selector: ${JSON.stringify(labels)}\``);
      continue;
    }
    const ports = readPorts(service, containers[0], errors);
    if (!ports || errors.length > before) continue;

    const proxyConcurrency = readProxyConcurrency(deployment, annotations[PROXY_CONFIG], errors);
    const serviceAccount = typeof podSpec.serviceAccountName === 'string' ? podSpec.serviceAccountName : 'default';
    const namespaceObject = namespaces.find((n) => n.metadata.name === namespace);
    workloads.push({
      name: deployment.metadata.name,
      namespace,
      serviceAccount,
      labels,
      replicas: replicas as number,
      servicePort: ports.servicePort,
      targetPort: ports.targetPort,
      behaviour,
      sidecar: sidecarInjected({ podLabels: labels, podAnnotations: annotations, namespaceLabels: namespaceObject?.metadata.labels ?? {} }),
      ...(proxyConcurrency !== undefined && { proxyConcurrency }),
      objects: objects.filter(
        (o) =>
          o === deployment ||
          o === service ||
          o === namespaceObject ||
          (o.kind === 'ServiceAccount' && o.metadata.name === serviceAccount && (o.metadata.namespace ?? 'default') === namespace),
      ),
      source: deployment.source,
    });
  }
  const podLabels = objects.filter((o) => o.kind === 'Deployment').map((d) => ({ namespace: d.metadata.namespace ?? 'default', labels: templateLabels(d) }));
  for (const service of services) {
    const namespace = service.metadata.namespace ?? 'default';
    if (!podLabels.some((pod) => pod.namespace === namespace && selects(service.spec.selector, pod.labels))) {
      fail(service, 'spec.selector', 'WORKLOAD_NO_DEPLOYMENT', `Service ${service.metadata.name} selects no Deployment in the workload files`, 'fix spec.selector to match the pod labels of a Deployment, or remove the Service');
    }
  }
  return { workloads, gateways, errors };
}

/** Injection: the pod's `sidecar.istio.io/inject` (label or annotation) wins over the namespace label. */
export function sidecarInjected(options: { podLabels: Record<string, string>; podAnnotations: Record<string, string>; namespaceLabels: Record<string, string> }): boolean {
  const pod = options.podLabels[INJECT] ?? options.podAnnotations[INJECT];
  if (pod !== undefined) return pod === 'true';
  return options.namespaceLabels['istio-injection'] === 'enabled' || options.namespaceLabels['istio.io/rev'] !== undefined;
}

/**
 * The sidecar's worker threads from the pod's `proxy.istio.io/config` annotation (a
 * ProxyConfig in YAML or JSON). Unset, or 0 ("all cores of the node", unknown here),
 * leaves the sidecar default of 2.
 */
function readProxyConcurrency(deployment: ManifestObject, value: string | undefined, errors: UserError[]): number | undefined {
  if (value === undefined) return undefined;
  const location = locateField(deployment, 'spec.template.metadata.annotations');
  let config: unknown;
  try {
    config = parseYaml(value);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    errors.push(new UserError({ code: 'WORKLOAD_INVALID_FIELD', message: `${PROXY_CONFIG} is not YAML or JSON: ${message}`, fix: `write a ProxyConfig, e.g. \`${PROXY_CONFIG}: '{"concurrency": 2}'\``, location }));
    return undefined;
  }
  if (!isRecord(config) || config.concurrency === undefined) return undefined;
  const concurrency = config.concurrency;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 0) {
    errors.push(
      new UserError({
        code: 'WORKLOAD_INVALID_FIELD',
        message: `${PROXY_CONFIG} concurrency must be a whole number ≥ 0, got ${JSON.stringify(concurrency)}`,
        fix: 'set `concurrency: 2` (the sidecar default) or another number of worker threads',
        location,
      }),
    );
    return undefined;
  }
  return concurrency === 0 ? undefined : concurrency;
}

function readBehaviour(deployment: ManifestObject, container: Record<string, unknown>, errors: UserError[]): AppBehaviour {
  const behaviour: AppBehaviour = { ...DEFAULT_BEHAVIOUR };
  const env = Array.isArray(container.env) ? container.env : [];
  env.forEach((entry, index) => {
    if (!isRecord(entry)) return;
    const field = (Object.keys(BEHAVIOUR_ENV) as BehaviourField[]).find((f) => BEHAVIOUR_ENV[f] === entry.name);
    if (!field) return;
    const path = `spec.template.spec.containers[0].env[${index}]`;
    if (entry.value === undefined || entry.value === null || isRecord(entry.value)) {
      errors.push(
        new UserError({
          code: 'WORKLOAD_BAD_ENV',
          message: `${entry.name} needs a literal value (valueFrom is not read by the bench)`,
          fix: `write \`value: "..."\` for ${entry.name}`,
          location: locateField(deployment, path),
        }),
      );
      return;
    }
    const parsed = parseBehaviourField(field, String(entry.value));
    if ('error' in parsed) {
      errors.push(new UserError({ code: 'WORKLOAD_BAD_ENV', message: `${entry.name}: ${parsed.error}`, fix: `fix the value of ${entry.name}`, location: locateField(deployment, `${path}.value`) }));
      return;
    }
    (behaviour as unknown as Record<string, unknown>)[field] = parsed.value;
  });
  return behaviour;
}

function readPorts(service: ManifestObject, container: Record<string, unknown>, errors: UserError[]): { servicePort: number; targetPort: number } | undefined {
  const ports = Array.isArray(service.spec.ports) ? service.spec.ports.filter(isRecord) : [];
  const first = ports[0];
  if (!first || typeof first.port !== 'number') {
    errors.push(new UserError({ code: 'WORKLOAD_MISSING_FIELD', message: `Service ${service.metadata.name} has no port`, fix: 'add `ports: [{ port: 80, targetPort: 5000 }]`', location: locateField(service, 'spec') }));
    return undefined;
  }
  const servicePort = first.port;
  if (first.targetPort === undefined) return { servicePort, targetPort: servicePort };
  if (typeof first.targetPort === 'number') return { servicePort, targetPort: first.targetPort };
  // A named targetPort refers to a container port name.
  const containerPorts = Array.isArray(container.ports) ? container.ports.filter(isRecord) : [];
  const named = containerPorts.find((p) => p.name === first.targetPort);
  if (named && typeof named.containerPort === 'number') return { servicePort, targetPort: named.containerPort };
  errors.push(
    new UserError({
      code: 'WORKLOAD_INVALID_FIELD',
      message: `targetPort "${String(first.targetPort)}" names no container port`,
      fix: 'use the container port number, or name a port in the container',
      location: locateField(service, 'spec.ports[0].targetPort'),
    }),
  );
  return undefined;
}

function templateLabels(deployment: ManifestObject): Record<string, string> {
  const template = isRecord(deployment.spec.template) ? deployment.spec.template : {};
  const meta = isRecord(template.metadata) ? template.metadata : {};
  return isRecord(meta.labels) ? stringRecord(meta.labels) : {};
}

function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector) || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === String(value));
}

function stringRecord(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, String(v)]));
}

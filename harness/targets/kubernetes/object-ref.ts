/**
 * How the Kubernetes target names the objects it touches: by apiVersion, kind, namespace
 * and name, the four things a generic request needs. One key format everywhere (the
 * snapshot, stage diffs, messages) so two lists of objects compare by string.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ManifestObject } from '../../model/istio-objects.ts';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  /** Absent for cluster-scoped objects (Namespace). */
  namespace?: string;
  name: string;
}

/** The object as the API server takes it: what it had in the file, without the bench's position bookkeeping. */
export interface KubeObject extends KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: NonNullable<KubernetesObject['metadata']> & { name: string };
  [field: string]: unknown;
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'Node']);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export function refOf(object: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } }, defaultNamespace = 'default'): ObjectRef {
  const kind = object.kind ?? '';
  const ref: ObjectRef = { apiVersion: object.apiVersion ?? '', kind, name: object.metadata?.name ?? '' };
  if (!isClusterScoped(kind)) ref.namespace = object.metadata?.namespace ?? defaultNamespace;
  return ref;
}

/** `PeerAuthentication retryns/default`, `Namespace retryns`. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** Identity ignores the version: networking.istio.io/v1 and v1beta1 name the same stored object. */
export function refKey(ref: ObjectRef): string {
  return `${apiGroup(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function toKubeObject(manifest: ManifestObject<unknown>): KubeObject {
  const { source: _source, lines: _lines, ...object } = manifest as ManifestObject<unknown> & Record<string, unknown>;
  const copy = structuredClone(object) as KubeObject;
  if (!isClusterScoped(copy.kind) && !copy.metadata.namespace) copy.metadata.namespace = 'default';
  return copy;
}

/** Fields the server owns: dropped before an object is saved or written back. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** The object as a user would have written it: no status and no server-owned metadata. */
export function userFields(object: KubernetesObject): KubeObject {
  const copy = structuredClone(object) as KubeObject & { status?: unknown };
  delete copy.status;
  const metadata = copy.metadata as unknown as Record<string, unknown>;
  for (const field of SERVER_METADATA) delete metadata[field];
  return copy;
}

/**
 * Puts back what a snapshot recorded: objects that existed are written back as they were
 * (a Namespace gets its labels back), objects the run created are deleted unless --keep.
 * PeerAuthentications go first, so a namespace that was STRICT is STRICT again before
 * anything else can fail, and a failing object does not stop the others. An object that
 * another field manager changed during the run is reported and left alone (never
 * silently overwritten), except a PeerAuthentication that was STRICT: that one is put
 * back regardless, and the report says whose change it replaced.
 */
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { apiFailure, isNotFound } from './api-errors.ts';
import { type KubeObject, describeRef } from './object-ref.ts';
import type { Snapshot, SnapshotEntry } from './snapshot.ts';

export interface RestoreReport {
  restored: string[];
  deleted: string[];
  kept: string[];
  /** Changed by someone else during the run: left as found now. */
  conflicts: string[];
  failures: string[];
}

/** Restore order: mTLS first, then routing, then the run's own Jobs, workloads, and namespaces last. */
const ORDER = ['PeerAuthentication', 'DestinationRule', 'VirtualService', 'Gateway', 'Job', 'ConfigMap', 'Deployment', 'Service', 'ServiceAccount', 'Namespace'];

function rank(entry: SnapshotEntry): number {
  const index = ORDER.indexOf(entry.ref.kind);
  return index === -1 ? ORDER.length - 1 : index;
}

export async function restoreSnapshot(kc: KubeConfig, snapshot: Snapshot, options: { keep?: boolean; attempts?: number; only?: (entry: SnapshotEntry) => boolean } = {}): Promise<RestoreReport> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const keep = options.keep ?? snapshot.data.keep;
  const report: RestoreReport = { restored: [], deleted: [], kept: [], conflicts: [], failures: [] };
  const pending = snapshot.data.entries.filter((e) => e.touched && e.state === 'pending' && (options.only?.(e) ?? true)).sort((a, b) => rank(a) - rank(b));
  for (const entry of pending) {
    const name = describeRef(entry.ref);
    const attempts = entry.ref.kind === 'PeerAuthentication' ? (options.attempts ?? 3) : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await restoreEntry({ api, snapshot, entry, keep, report });
        break;
      } catch (error) {
        if (attempt < attempts) {
          await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
          continue;
        }
        report.failures.push(`${name}: ${apiFailure(error).message}`);
      }
    }
    await snapshot.save();
  }
  return report;
}

async function restoreEntry(context: { api: KubernetesObjectApi; snapshot: Snapshot; entry: SnapshotEntry; keep: boolean; report: RestoreReport }): Promise<void> {
  const { api, snapshot, entry, keep, report } = context;
  const name = describeRef(entry.ref);
  const header = { apiVersion: entry.ref.apiVersion, kind: entry.ref.kind, metadata: { name: entry.ref.name, namespace: entry.ref.namespace } };
  if (!entry.before) {
    if (keep && !entry.transient) {
      entry.state = 'kept';
      report.kept.push(name);
      return;
    }
    if (!entry.transient && entry.ref.kind !== 'Namespace') {
      let current: KubernetesObject | undefined;
      try {
        current = await api.read(header);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      const others = current ? foreignChanges(current, snapshot.data.fieldManager, snapshot.data.createdAt) : [];
      if (others.length > 0) {
        entry.state = 'left';
        entry.note = `created by the run, then changed by ${others.join(', ')}`;
        report.conflicts.push(`${name}: ${entry.note}; not deleted`);
        return;
      }
    }
    try {
      await api.delete(header, undefined, undefined, undefined, undefined, 'Background');
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    entry.state = 'deleted';
    report.deleted.push(name);
    return;
  }

  let current: KubernetesObject | undefined;
  try {
    current = await api.read(header);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (!current) {
    await api.create(withoutResourceVersion(entry.before), undefined, undefined, snapshot.data.fieldManager);
    entry.state = 'restored';
    report.restored.push(`${name} (recreated)`);
    return;
  }
  if (entry.ref.kind === 'Namespace') {
    const patch = { ...header, metadata: { name: entry.ref.name, labels: labelPatch(current.metadata?.labels ?? {}, entry.before.metadata.labels ?? {}) } };
    await api.patch(patch as unknown as KubernetesObject, undefined, undefined, snapshot.data.fieldManager, undefined, PatchStrategy.MergePatch);
    entry.state = 'restored';
    report.restored.push(`${name} (labels)`);
    return;
  }
  const others = foreignChanges(current, snapshot.data.fieldManager, snapshot.data.createdAt);
  if (others.length > 0) {
    const wasStrict = entry.ref.kind === 'PeerAuthentication' && (entry.before.spec as { mtls?: { mode?: string } } | undefined)?.mtls?.mode === 'STRICT';
    if (!wasStrict) {
      entry.state = 'left';
      entry.note = `changed during the run by ${others.join(', ')}`;
      report.conflicts.push(`${name}: ${entry.note}; left as it is now (the snapshot holds how it was)`);
      return;
    }
    report.conflicts.push(`${name}: changed during the run by ${others.join(', ')}; put back to STRICT anyway`);
  }
  const body = structuredClone(entry.before) as KubeObject;
  body.metadata.resourceVersion = current.metadata?.resourceVersion;
  await api.replace(body, undefined, undefined, snapshot.data.fieldManager);
  entry.state = 'restored';
  report.restored.push(name);
}

/** Controllers that write objects as part of their normal work (a Deployment's revision annotation): not someone else's change. */
const CONTROLLERS = new Set(['kube-controller-manager', 'kube-scheduler', 'kubelet', 'pilot-discovery']);

/** Managers other than ours and the cluster's controllers that wrote the object (not its status) after the snapshot. */
export function foreignChanges(object: KubernetesObject, fieldManager: string, since: string): string[] {
  // managedFields times have second precision: a write within the snapshot's own second
  // cannot be told from one just before it, and counts as before (it was there to save).
  const after = Math.floor(Date.parse(since) / 1000) * 1000;
  const managers = new Set<string>();
  for (const entry of object.metadata?.managedFields ?? []) {
    if (entry.subresource || entry.manager === fieldManager || !entry.manager || CONTROLLERS.has(entry.manager)) continue;
    const time = entry.time ? new Date(entry.time).getTime() : 0;
    if (time > after) managers.add(entry.manager);
  }
  return [...managers].sort();
}

/** A merge patch turning `current` labels into `wanted`: removed ones set to null. */
export function labelPatch(current: Record<string, string>, wanted: Record<string, string>): Record<string, string | null> {
  const patch: Record<string, string | null> = {};
  for (const key of Object.keys(current)) if (!(key in wanted)) patch[key] = null;
  for (const [key, value] of Object.entries(wanted)) if (current[key] !== value) patch[key] = value;
  return patch;
}

function withoutResourceVersion(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  delete copy.metadata.resourceVersion;
  return copy;
}

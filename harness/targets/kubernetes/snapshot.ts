/**
 * `results/<run-id>/snapshot.json`: every object the run will touch, as it was before the
 * first change (absent ones recorded as absent), and which of them the run has changed so
 * far. It is written atomically before each change, so `bench restore <run-dir>` can put a
 * cluster back after the bench was killed. It holds objects, never credentials: the
 * connection is named by context and server URL only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors/user-error.ts';
import { writeJsonAtomic } from '../../util/atomic-write.ts';
import { type KubeObject, type ObjectRef, describeRef, refKey } from './object-ref.ts';

export const SNAPSHOT_SCHEMA = 'resilience-bench/snapshot@1';
export const SNAPSHOT_FILE = 'snapshot.json';

export type EntryState = 'pending' | 'restored' | 'deleted' | 'kept' | 'left';

export interface SnapshotEntry {
  ref: ObjectRef;
  /** The object as found (user fields only); absent when it did not exist. */
  before?: KubeObject;
  /** The run has changed (or created) it: restore must handle it. */
  touched: boolean;
  /** Created by the run for one cell (k6 Job, bundle ConfigMap): always removed, even with --keep. */
  transient?: boolean;
  state: EntryState;
  /** Why it was left as it is, when it was. */
  note?: string;
}

export interface SnapshotData {
  schema: typeof SNAPSHOT_SCHEMA;
  createdAt: string;
  cluster: { context: string; server: string };
  /** Field manager of every apply; changes by any other manager after createdAt are someone else's. */
  fieldManager: string;
  keep: boolean;
  entries: SnapshotEntry[];
}

export class Snapshot {
  private constructor(
    readonly path: string,
    readonly data: SnapshotData,
  ) {}

  static create(dir: string, header: Omit<SnapshotData, 'schema' | 'entries' | 'createdAt'> & { createdAt?: string }): Snapshot {
    return new Snapshot(join(dir, SNAPSHOT_FILE), { schema: SNAPSHOT_SCHEMA, createdAt: header.createdAt ?? new Date().toISOString(), cluster: header.cluster, fieldManager: header.fieldManager, keep: header.keep, entries: [] });
  }

  static async load(dir: string): Promise<Snapshot> {
    const path = join(dir, SNAPSHOT_FILE);
    let data: SnapshotData;
    try {
      data = JSON.parse(await readFile(path, 'utf8')) as SnapshotData;
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new UserError({
        code: 'SNAPSHOT_NOT_FOUND',
        message: missing ? `${path} does not exist` : `${path} is not valid JSON`,
        fix: missing ? 'name the folder of a --target kubernetes run (results/<run-id>); a local run changes no cluster' : 'the file was damaged; restore the objects it lists by hand',
      });
    }
    if (data.schema !== SNAPSHOT_SCHEMA) {
      throw new UserError({ code: 'SNAPSHOT_NOT_FOUND', message: `${path} has schema ${JSON.stringify(data.schema)}, not ${SNAPSHOT_SCHEMA}`, fix: 'restore it with the version of the bench that wrote it' });
    }
    return new Snapshot(path, data);
  }

  find(ref: ObjectRef): SnapshotEntry | undefined {
    const key = refKey(ref);
    return this.data.entries.find((e) => refKey(e.ref) === key);
  }

  /** Records the object as found, once: a later record of the same object keeps the first state. */
  record(ref: ObjectRef, before: KubeObject | undefined, options: { transient?: boolean } = {}): SnapshotEntry {
    const existing = this.find(ref);
    if (existing) return existing;
    const entry: SnapshotEntry = { ref, before, touched: false, state: 'pending', ...(options.transient ? { transient: true } : {}) };
    this.data.entries.push(entry);
    return entry;
  }

  /** Marks the object as about to change and saves: call before the change. */
  async touch(ref: ObjectRef): Promise<void> {
    const entry = this.find(ref);
    if (!entry) throw new Error(`${describeRef(ref)} changed without a snapshot entry`);
    if (entry.touched && entry.state === 'pending') return;
    entry.touched = true;
    entry.state = 'pending';
    await this.save();
  }

  /** What restore still has to do, one line per object. */
  remaining(): string[] {
    return this.data.entries.filter((e) => e.touched && e.state === 'pending').map((e) => `${describeRef(e.ref)}: ${e.before ? 'put back as it was' : 'delete (created by the run)'}`);
  }

  async save(): Promise<void> {
    await writeJsonAtomic(this.path, this.data);
  }
}

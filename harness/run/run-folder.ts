/**
 * One folder per run under results/: `run.json` is rewritten (atomically) after every
 * finished cell, so whatever completed before a failure or Ctrl-C stays on disk and can
 * be rendered by `bench report`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.ts';
import type { CellRecord, RunRecord } from './run-record.ts';

export function makeRunId(planName: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${planName}`;
}

export class RunFolder {
  constructor(
    readonly dir: string,
    readonly record: RunRecord,
  ) {}

  /**
   * Creates a folder no other run uses: two runs of one plan started in the same second
   * get `<id>`, `<id>-2`, … (the folder is claimed with an exclusive mkdir, so concurrent
   * runs cannot both take one), and the record's runId says which.
   */
  static async create(resultsDir: string, record: RunRecord): Promise<RunFolder> {
    await mkdir(resultsDir, { recursive: true });
    const base = record.runId;
    for (let attempt = 1; ; attempt++) {
      const runId = attempt === 1 ? base : `${base}-${attempt}`;
      const dir = join(resultsDir, runId);
      try {
        await mkdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 1000) continue;
        throw error;
      }
      record.runId = runId;
      await mkdir(join(dir, 'cells'));
      const folder = new RunFolder(dir, record);
      await folder.save();
      return folder;
    }
  }

  /** Relative path of a cell's file: cells/<stage>.<vantage>.<kind>. */
  cellFile(stage: string, vantage: string, kind: string): string {
    return join('cells', `${stage}.${vantage}.${kind}`);
  }

  absolute(relative: string): string {
    return join(this.dir, relative);
  }

  async writeCellFile(relative: string, content: string): Promise<void> {
    await writeFileAtomic(this.absolute(relative), content);
  }

  async addCell(cell: CellRecord): Promise<void> {
    this.record.cells.push(cell);
    await this.save();
  }

  async save(): Promise<void> {
    await writeJsonAtomic(join(this.dir, 'run.json'), this.record);
  }
}

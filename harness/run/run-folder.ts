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

  static async create(resultsDir: string, record: RunRecord): Promise<RunFolder> {
    const dir = join(resultsDir, record.runId);
    await mkdir(join(dir, 'cells'), { recursive: true });
    const folder = new RunFolder(dir, record);
    await folder.save();
    return folder;
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

/**
 * Reads what a run left on disk: `run.json` and, per cell, the k6 summary, proxy stats
 * and access log it names. A broken run.json is the user's problem (UserError); a missing
 * or unreadable cell file is a fact about that cell, recorded as a reason, so an
 * interrupted or half-failed run still renders.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors/user-error.ts';
import { RUN_RECORD_SHAPE, shapeProblem } from './shape-check.ts';
import type { K6SummaryData } from '../model/k6-summary.ts';
import { type CellRecord, RUN_RECORD_SCHEMA, type RunRecord } from '../run/run-record.ts';
import type { AccessLogEntry } from '../model/proxy-observations.ts';
import type { ProxyStats } from '../model/proxy-observations.ts';

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface CellFiles {
  record: CellRecord;
  summary: Loaded<K6SummaryData>;
  proxyStats: Loaded<ProxyStats>;
  accessLog: Loaded<{ entries: AccessLogEntry[]; skippedLines: number }>;
}

export interface RunFolder {
  dir: string;
  run: RunRecord;
  cells: CellFiles[];
}

export const RUN_FILE = 'run.json';

export async function readRunFolder(runDir: string): Promise<RunFolder> {
  const dir = path.resolve(runDir);
  const run = await readRunRecord(dir);
  const cells = await Promise.all(run.cells.map((record) => readCellFiles(dir, record)));
  return { dir, run, cells };
}

async function readRunRecord(dir: string): Promise<RunRecord> {
  const file = path.join(dir, RUN_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError({
      code: 'REPORT_RUN_NOT_FOUND',
      message: `no ${RUN_FILE} in ${dir} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      fix: 'pass a run folder written by `bench run`, e.g. results/<run-id>',
      location: { file },
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError({
      code: 'REPORT_RUN_INVALID',
      message: `${RUN_FILE} is not valid JSON: ${(error as Error).message}`,
      fix: 'the run folder is damaged; re-run the plan',
      location: { file },
    });
  }
  const record = parsed as Partial<RunRecord>;
  if (record?.schema !== RUN_RECORD_SCHEMA) {
    throw new UserError({
      code: 'REPORT_RUN_SCHEMA',
      message: `${RUN_FILE} has schema ${JSON.stringify(record?.schema)}, this version reads ${RUN_RECORD_SCHEMA}`,
      fix: 'render it with the bench version that wrote it, or re-run the plan',
      location: { file },
    });
  }
  const problem = shapeProblem(record, RUN_RECORD_SHAPE);
  if (problem) {
    throw new UserError({
      code: 'REPORT_RUN_INVALID',
      message: `${RUN_FILE} is not what a run writes: ${problem}`,
      fix: 'the run folder is damaged; re-run the plan',
      location: { file },
    });
  }
  return record as RunRecord;
}

async function readCellFiles(dir: string, record: CellRecord): Promise<CellFiles> {
  const files = record.files ?? {};
  const noSummary = `the engine wrote no summary (outcome ${record.outcome}${record.detail ? `: ${record.detail}` : ''})`;
  const [summary, proxyStats, accessLog] = await Promise.all([
    files.summary ? readJson<K6SummaryData>(dir, files.summary) : missing<K6SummaryData>(noSummary),
    files.proxyStats ? readJson<ProxyStats>(dir, files.proxyStats) : missing<ProxyStats>('the run recorded no proxy stats for this cell'),
    files.accessLog ? readAccessLog(dir, files.accessLog) : missing<{ entries: AccessLogEntry[]; skippedLines: number }>('the run recorded no access log for this cell'),
  ]);
  return { record, summary: checkSummary(summary), proxyStats, accessLog };
}

function missing<T>(reason: string): Loaded<T> {
  return { ok: false, reason };
}

/** Cell file paths are relative to the run folder and must stay inside it. */
function resolveInside(dir: string, relative: string): string | undefined {
  const resolved = path.resolve(dir, relative);
  const inside = path.relative(dir, resolved);
  return inside && !inside.startsWith('..') && !path.isAbsolute(inside) ? resolved : undefined;
}

async function readText(dir: string, relative: string): Promise<Loaded<string>> {
  const file = resolveInside(dir, relative);
  if (!file) return { ok: false, reason: `${relative} points outside the run folder` };
  try {
    return { ok: true, value: await readFile(file, 'utf8') };
  } catch (error) {
    return { ok: false, reason: `${relative} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

async function readJson<T>(dir: string, relative: string): Promise<Loaded<T>> {
  const text = await readText(dir, relative);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.value) as T };
  } catch (error) {
    return { ok: false, reason: `${relative} is not valid JSON (${(error as Error).message})` };
  }
}

function checkSummary(loaded: Loaded<K6SummaryData>): Loaded<K6SummaryData> {
  if (!loaded.ok) return loaded;
  const data = loaded.value as Partial<K6SummaryData> | null;
  if (!data || typeof data !== 'object' || typeof data.metrics !== 'object' || data.metrics === null) {
    return { ok: false, reason: 'the summary file has no `metrics` object (not a k6 handleSummary data object)' };
  }
  return loaded;
}

async function readAccessLog(dir: string, relative: string): Promise<Loaded<{ entries: AccessLogEntry[]; skippedLines: number }>> {
  const text = await readText(dir, relative);
  if (!text.ok) return text;
  const entries: AccessLogEntry[] = [];
  let skippedLines = 0;
  for (const line of text.value.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as AccessLogEntry;
      if (entry && typeof entry === 'object' && typeof entry.flags === 'string') entries.push(entry);
      else skippedLines++;
    } catch {
      // A line cut short by a crash mid-write: skip it, and say how many were skipped.
      skippedLines++;
    }
  }
  return { ok: true, value: { entries, skippedLines } };
}

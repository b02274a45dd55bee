/**
 * Delivers what handleSummary returned, as k6 does: `stdout`/`stderr` to the process
 * streams, every other key a file path (relative to the process cwd) to write. Without a
 * handleSummary, the data itself goes to the run's summaryPath, so every engine leaves
 * the same file behind.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { K6SummaryData } from '../../model/k6-summary.ts';

export async function writeSummaryOutputs(outputs: unknown): Promise<string[]> {
  if (outputs === null || outputs === undefined) return [];
  if (typeof outputs !== 'object') throw new Error(`handleSummary must return an object of outputs, got ${typeof outputs}`);
  const written: string[] = [];
  for (const [key, value] of Object.entries(outputs as Record<string, unknown>)) {
    const content = typeof value === 'string' ? value : value instanceof ArrayBuffer ? Buffer.from(value) : String(value);
    if (key === 'stdout') process.stdout.write(content);
    else if (key === 'stderr') process.stderr.write(content);
    else {
      const path = resolve(process.cwd(), key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
      written.push(path);
    }
  }
  return written;
}

export async function writeDefaultSummary(summaryPath: string, data: K6SummaryData): Promise<void> {
  const path = resolve(process.cwd(), summaryPath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(data, null, 2));
}

/**
 * `bench report <run-dir>`: builds the report of a run folder (finished or interrupted),
 * optionally compares it with a baseline, and writes every registered format
 * (render/renderers.ts) into the folder, each atomically.
 */
import path from 'node:path';
import { buildReport, type BuildReportOptions } from './build/build-report.ts';
import { type CompareOptions, compareReports, loadReport } from './compare/compare.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { RENDERERS } from './render/renderers.ts';
import type { Report } from './report-types.ts';

export interface WriteReportsOptions extends BuildReportOptions {
  /** A baseline report.json, or a run folder holding one. */
  baseline?: string;
  /** A baseline already loaded (the run command checks it before any load). */
  baselineReport?: Report;
  compare?: CompareOptions;
}

/**
 * Writes every report it can: a file that fails (full disk) does not stop the others, and
 * the report is returned either way so the caller can still show it.
 */
export async function writeReports(runDir: string, options: WriteReportsOptions = {}): Promise<{ report: Report; files: string[]; failures: string[] }> {
  const report = await buildReport(runDir, options);
  const baseline = options.baselineReport ?? (options.baseline ? await loadReport(options.baseline) : undefined);
  if (baseline) report.comparison = compareReports(baseline, report, options.compare);
  const dir = path.resolve(runDir);
  const files: string[] = [];
  const failures: string[] = [];
  for (const renderer of RENDERERS) {
    const file = path.join(dir, renderer.file);
    const content = renderer.render(report);
    try {
      await writeFileAtomic(file, content);
      files.push(file);
    } catch (error) {
      failures.push(`${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return { report, files, failures };
}

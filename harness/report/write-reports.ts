/**
 * `bench report <run-dir>`: builds the report of a run folder (finished or interrupted),
 * optionally compares it with a baseline, and writes report.json, report.md, report.html
 * and junit.xml into the folder, each atomically.
 */
import path from 'node:path';
import { buildReport, type BuildReportOptions } from './build/build-report.ts';
import { type CompareOptions, compareReports, loadReport } from './compare/compare.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { renderHtml } from './render/render-html.ts';
import { renderJunit } from './render/render-junit.ts';
import { renderMarkdown } from './render/render-markdown.ts';
import type { Report } from './report-types.ts';

export const REPORT_FILES = { json: 'report.json', markdown: 'report.md', html: 'report.html', junit: 'junit.xml' } as const;

export interface WriteReportsOptions extends BuildReportOptions {
  /** A baseline report.json, or a run folder holding one. */
  baseline?: string;
  compare?: CompareOptions;
}

export async function writeReports(runDir: string, options: WriteReportsOptions = {}): Promise<{ report: Report; files: string[] }> {
  const report = await buildReport(runDir, options);
  if (options.baseline) report.comparison = compareReports(await loadReport(options.baseline), report, options.compare);
  const dir = path.resolve(runDir);
  const outputs: [string, string][] = [
    [REPORT_FILES.json, `${JSON.stringify(report, null, 2)}\n`],
    [REPORT_FILES.markdown, renderMarkdown(report)],
    [REPORT_FILES.html, renderHtml(report)],
    [REPORT_FILES.junit, renderJunit(report)],
  ];
  const files: string[] = [];
  for (const [name, content] of outputs) {
    const file = path.join(dir, name);
    await writeFileAtomic(file, content);
    files.push(file);
  }
  return { report, files };
}

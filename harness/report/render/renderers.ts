/**
 * The report formats a run folder gets, registered in one list: each names its file and
 * renders the canonical report (report.json is the report itself; the others read it).
 * A new format is one file under render/ and one entry here.
 */
import type { Report } from '../report-types.ts';
import { renderHtml } from './render-html.ts';
import { renderJunit } from './render-junit.ts';
import { renderMarkdown } from './render-markdown.ts';

export interface ReportRenderer {
  /** File name inside the run folder. */
  file: string;
  /** What the file is for, one line (help text and the README's list). */
  purpose: string;
  render(report: Report): string;
}

export const RENDERERS: readonly ReportRenderer[] = [
  { file: 'report.json', purpose: 'the canonical result (schema in report/SCHEMA.md)', render: (report) => `${JSON.stringify(report, null, 2)}\n` },
  { file: 'report.md', purpose: 'Markdown, for a pull request or a CI job summary', render: renderMarkdown },
  { file: 'report.html', purpose: 'one self-contained page with charts', render: renderHtml },
  { file: 'junit.xml', purpose: 'JUnit XML, one test case per stage and vantage', render: renderJunit },
];

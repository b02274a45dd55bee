import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { buildReport } from '../../harness/report/build/build-report.ts';
import { escapeHtml, escapeMarkdown, sanitizeTerminal } from '../../harness/report/render/escape.ts';
import { renderHtml } from '../../harness/report/render/render-html.ts';
import { renderJunit } from '../../harness/report/render/render-junit.ts';
import { renderMarkdown } from '../../harness/report/render/render-markdown.ts';
import { renderTerminal } from '../../harness/report/render/render-terminal.ts';
import type { Report } from '../../harness/report/report-types.ts';
import { writeReports } from '../../harness/report/write-reports.ts';
import { removeRunFolders } from './run-folder-fixture.ts';
import { HOSTILE_STAGE, writeSampleRun } from './sample-run.ts';

describe('report renderers', () => {
  after(removeRunFolders);
  let report: Report;
  before(async () => {
    report = await buildReport(await writeSampleRun());
  });

  describe('renderTerminal', () => {
    it('shows one aligned row per cell with the table columns, and no colour unless asked', () => {
      const text = renderTerminal(report, { color: false });
      expect(text).not.to.include('\u001B[');
      const lines = text.split('\n');
      const header = lines.findIndex((line) => line.startsWith('stage'));
      expect(lines[header]).to.match(/stage\s+vantage\s+requests\s+error rate \[95% CI\]\s+status codes\s+p50 \/ p95 \/ p99\s+expected\s+verdict/);
      const rows = lines.slice(header + 2, header + 2 + report.cells.length);
      expect(rows[0]).to.match(/^no-policy\s+in-mesh\s+500\s+49\.60% \[45\.24%, 53\.97%\]\s+200×252 500×248\s+10\.2ms \/ 30\.1ms \/ 61\.7ms\s+err ≤ 60\.00%\s+as configured$/);
      expect(rows[2]).to.match(/retries-10\s+in-mesh.*4\.2ms \/ 12\.5ms \/ 40\.3ms.*deviates$/);
      expect(rows[3]).to.match(/EXPECTATION FAILED$/);
      expect(rows[4]).to.match(/^<img src=x onerror=alert\(1\)>\s+in-mesh\s+n\/a\s+n\/a.*NOT RUN$/);
      // Verdict column starts at the same offset in every row.
      const offsets = rows.map((row) => row.search(/(as configured|deviates|EXPECTATION FAILED|NOT RUN)$/));
      expect(new Set(offsets).size).to.equal(1);
      expect(text).to.match(/^FAILED: 5 cells/);
      expect(text).to.include('↳ no-retries');
      expect(text).to.include('limitation: one replica per workload');
    });

    it('colours verdicts when asked, keeping the alignment', () => {
      const text = renderTerminal(report, { color: true });
      expect(text).to.include('\u001B[32mas configured\u001B[0m');
      expect(sanitizeTerminal(text).split('\n').slice(3, 5)).to.deep.equal(renderTerminal(report, { color: false }).split('\n').slice(3, 5));
    });
  });

  describe('renderMarkdown', () => {
    it('has the headline, the table, details, lint and limitations, with user strings escaped', () => {
      const md = renderMarkdown(report);
      expect(md.split('\n')[0]).to.equal('## ❌ FAILED: 5 cells, 1 expectation failed, 1 cell failed to run, 1 cell not reached, 1 deviates from the model, 2 as configured');
      expect(md).to.include('| stage | vantage | requests | error rate [95% CI] | status codes | p50 / p95 / p99 | expected | verdict |');
      expect(md).to.include('| no-policy | in-mesh | 500 | 49.60% [45.24%, 53.97%] | 200×252 500×248 |');
      expect(md).to.include('### Needs attention');
      expect(md).to.include('likely: `no-retries`');
      expect(md).to.include('### Lint findings');
      expect(md).to.include('### Limitations');
      expect(md).to.include('<details><summary><b>retries-10</b>');
      expect(md).to.include('❌ not reached |');
      expect(md).not.to.include('<img');
      expect(md).not.to.include('<script>');
      expect(md).to.include('&lt;img src=x onerror=alert(1)&gt;');
      expect(md).to.include('has &lt;bad&gt; token');
    });
  });

  describe('renderHtml', () => {
    it('is one self-contained page: inline style, inline SVG, no script and nothing fetched', () => {
      const html = renderHtml(report);
      expect(html).to.match(/^<!doctype html>/);
      expect(html).to.include('<style>');
      expect(html).not.to.match(/<script|<link|@import|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      expect(html).to.include("Content-Security-Policy\" content=\"default-src 'none'");
      expect((html.match(/<svg /g) ?? []).length).to.equal(2);
      expect((html.match(/class="cell-mark"/g) ?? []).length).to.equal(2 * report.cells.length);
    });

    it('escapes every user-controlled string', () => {
      const html = renderHtml(report);
      expect(html).not.to.include(HOSTILE_STAGE);
      expect(html).not.to.include('<script>alert(2)');
      expect(html).to.include('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).to.include('data-stage="&lt;img src=x onerror=alert(1)&gt;"');
    });
  });

  describe('renderJunit', () => {
    it('has one testcase per cell expectation and per lint error', () => {
      const xml = renderJunit(report);
      expect(xml).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
      // 5 recorded cells, 1 planned cell the run never reached, 1 lint error.
      expect((xml.match(/<testcase /g) ?? []).length).to.equal(report.cells.length + report.missingCells.length + 1);
      expect(xml).to.match(/<testsuites [^>]*tests="7" failures="2" errors="2" skipped="2"/);
      expect(xml).to.include('<failure message="error rate 49.00% above expected max 10.00%; p95 latency 30.1 ms above expected max 20 ms" type="expectation-failed">');
      expect(xml).to.include('name="RB102 vs.yaml:7"');
      expect(xml).not.to.include('<img');
      expect(xml).to.include('classname="resilience-bench.retries-lab.&lt;img src=x onerror=alert(1)&gt;"');
    });
  });

  describe('escaping', () => {
    it('escapes HTML, Markdown and terminal control sequences', () => {
      expect(escapeHtml(`<a href="x">'&'</a>\u0007`)).to.equal('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\uFFFD');
      expect(escapeMarkdown('a|b *c* <i>\nd')).to.equal('a\\|b \\*c\\* &lt;i&gt; d');
      expect(sanitizeTerminal('ok\u001B[2J\u001B[31mred\u0007')).to.equal('okred');
    });
  });

  describe('writeReports', () => {
    it('writes the four files atomically, also for an interrupted run', async () => {
      const dir = await writeSampleRun({ status: 'interrupted', error: 'interrupted by SIGINT' });
      const { report: written, files } = await writeReports(dir);
      expect(files.map((file) => path.basename(file))).to.deep.equal(['report.json', 'report.md', 'report.html', 'junit.xml']);
      const leftovers = (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
      expect(leftovers).to.deep.equal([]);
      const json = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8'));
      expect(json.schema).to.equal('resilience-bench/report@1');
      expect(json.status).to.equal('interrupted');
      expect(written.passed).to.equal(false);
      expect(await readFile(path.join(dir, 'report.md'), 'utf8')).to.include('run interrupted');
      expect(await readFile(path.join(dir, 'junit.xml'), 'utf8')).to.include('<testsuites');
    });
  });
});

/**
 * The whole product, end to end, as a user runs it: real CLI process, real plan files,
 * local mesh in its own process, embedded k6 runtime, reports on disk.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RunRecord } from '../../harness/run/run-record.ts';
import { meshProcesses } from './mesh-processes.ts';
import { benchProcess } from './run-cli.ts';


function onlyRunDir(resultsDir: string): string {
  const runs = readdirSync(resultsDir);
  expect(runs).to.have.length(1);
  return join(resultsDir, runs[0]);
}

describe('bench run, end to end', function () {
  this.timeout(120_000);

  it('STRICT: in-mesh callers get ~50% errors (the app), outside callers only network errors; reports are written', async () => {
    const results = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
    const marker = String(Math.random());
    // 300 requests per cell: the in-mesh bound [0.4, 0.6] is ±3.5 sd at p = 0.5, and the
    // mesh is seeded (--seed 1), so the app's failure draws repeat from run to run.
    const run = await benchProcess(['--stage', 'strict', '--rate', '100', '--duration', '3s', '--seed', '1', '--results', results], { env: { BENCH_TEST_MARKER: marker } });
    expect(run.exitCode, run.all).to.equal(0);
    expect(run.stdout).to.match(/strict\s+in-mesh/);
    expect(run.stdout).to.match(/strict\s+external\s+\d+\s+100\.00%/);

    const dir = onlyRunDir(results);
    for (const file of ['run.json', 'report.json', 'report.md', 'report.html', 'junit.xml']) expect(existsSync(join(dir, file)), file).to.equal(true);
    const record: RunRecord = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(record.status).to.equal('completed');
    expect(record.cells.map((c) => `${c.stage}/${c.vantage}`)).to.deep.equal(['strict/in-mesh', 'strict/external']);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.passed).to.equal(true);
    expect(meshProcesses(marker), 'the local mesh is stopped after the run').to.deep.equal([]);
  });

  it('Ctrl-C keeps finished cells, renders the reports, stops the mesh and exits 130', async () => {
    const results = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
    const marker = String(Math.random());
    const child = benchProcess(['--rate', '50', '--duration', '2s', '--results', results], { env: { BENCH_TEST_MARKER: marker } });
    // Interrupt once the first cell is on disk.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const runs = existsSync(results) ? readdirSync(results) : [];
      const recordFile = runs[0] && join(results, runs[0], 'run.json');
      if (recordFile && existsSync(recordFile) && JSON.parse(readFileSync(recordFile, 'utf8')).cells.length >= 1) break;
      if (Date.now() > deadline) throw new Error('no cell finished within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode, run.all).to.equal(130);
    const dir = onlyRunDir(results);
    const record: RunRecord = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(record.status).to.equal('interrupted');
    expect(record.cells.length).to.be.at.least(1);
    expect(record.cells.length).to.be.below(10);
    expect(existsSync(join(dir, 'report.md'))).to.equal(true);
    expect(meshProcesses(marker), 'the local mesh is stopped after Ctrl-C').to.deep.equal([]);
  });
});

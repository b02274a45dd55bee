/**
 * The mesh process dies in the middle of a cell (killed by the OOM killer, say): the run
 * stops, but the cell whose load ran is kept with the reason, earlier cells too, and the
 * reports are rendered.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RunRecord } from '../../harness/run/run-record.ts';
import { meshProcesses } from './mesh-processes.ts';
import { benchProcess } from './run-cli.ts';


function record(results: string): RunRecord | undefined {
  const [run] = existsSync(results) ? readdirSync(results) : [];
  try {
    return run ? JSON.parse(readFileSync(join(results, run, 'run.json'), 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}

describe('the mesh process dies mid-cell', function () {
  this.timeout(120_000);

  it('keeps the cell that was running and every earlier one, and renders the reports', async () => {
    const results = mkdtempSync(join(tmpdir(), 'bench-mesh-dies-'));
    const marker = `mesh-dies-${process.pid}-${Date.now()}`;
    const child = benchProcess(['--stage', 'baseline', '--rate', '50', '--duration', '3s', '--results', results], { env: { BENCH_TEST_MARKER: marker } });
    const deadline = Date.now() + 60_000;
    // Kill the mesh once the first cell is on disk, while the second one runs.
    while ((record(results)?.cells.length ?? 0) < 1) {
      if (Date.now() > deadline) throw new Error('no cell finished within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [pid] = meshProcesses(marker);
    expect(pid, 'the mesh process').to.be.a('number');
    process.kill(pid!, 'SIGKILL');
    const run = await child;
    expect(run.exitCode, run.all).to.not.equal(0);
    const final = record(results)!;
    expect(final.status).to.equal('failed');
    expect(final.cells.map((c) => `${c.stage}/${c.vantage}`)).to.deep.equal(['baseline/in-mesh', 'baseline/external']);
    expect(final.cells[1].detail).to.contain('proxy stats not collected');
    expect(existsSync(join(results, readdirSync(results)[0], 'report.json'))).to.equal(true);
  });
});

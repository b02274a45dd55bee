/**
 * `--engine k6` through the whole CLI, with a stand-in k6 binary (no k6 on these machines):
 * the harness finds it through K6_BIN, checks its version, hands the scenario its
 * settings in its environment and --tag, and reads back the summary k6's handleSummary writes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RunRecord } from '../../harness/run/run-record.ts';
import { createStandIn } from '../runners/k6/stand-in.ts';
import { benchProcess } from './run-cli.ts';

describe('bench --engine k6 (stand-in binary)', function () {
  this.timeout(60_000);

  it('runs each cell with the k6 binary and reports from the summaries it wrote', async () => {
    const standIn = createStandIn('v0.49.0');
    const results = mkdtempSync(join(tmpdir(), 'bench-k6-'));
    try {
      const run = await benchProcess(['--engine', 'k6', '--stage', 'strict', '--duration', '1s', '--results', results], { env: { K6_BIN: standIn.binary } });
      // The stand-in answers with a fixed summary, so expectations may or may not hold: what
      // matters is that the run completed (not a usage error) and used k6.
      expect(run.exitCode, run.all).to.be.oneOf([0, 1]);
      const [runId] = readdirSync(results);
      const record: RunRecord = JSON.parse(readFileSync(join(results, runId, 'run.json'), 'utf8'));
      expect(record.status).to.equal('completed');
      expect(record.versions).to.include({ engine: 'k6', engineVersion: 'v0.49.0' });
      expect(record.cells.map((c) => c.engine.name)).to.deep.equal(['k6', 'k6']);
      for (const cell of record.cells) expect(existsSync(join(results, runId, cell.files.summary!))).to.equal(true);

      const last = standIn.lastRun(); // the external cell ran last
      expect(last.args[0]).to.equal('run');
      expect(last.args).to.include('--tag').and.to.include('stage=strict');
      // The scenario's settings reach k6 in its environment, not on its command line.
      expect(last.env.ENDPOINT_URL).to.match(/^http:\/\/127\.0\.0\.1:\d+\/unstable-endpoint$/);
      expect(last.env.SUMMARY_PATH).to.contain(runId);
      expect(last.args).to.not.include('-e');
      expect(last.httpProxy, 'external traffic does not go through the client sidecar').to.equal(undefined);
      // k6 prints `running (05.0s), …` (no minutes) for a run under a minute: the harness shows it live.
      expect(run.stderr).to.match(/(in-mesh|external): 35\/\d+ requests, 0 failed, 7 VUs, 5s/);
    } finally {
      standIn.remove();
    }
  });

  it('refuses a k6 older than 0.49 with a clear error', async () => {
    const standIn = createStandIn('v0.45.1');
    try {
      const run = await benchProcess(['--engine', 'k6', '--stage', 'strict'], { env: { K6_BIN: standIn.binary } });
      // Nothing ran: a usage (2) or environment (3) error, never a run verdict.
      expect(run.exitCode, run.all).to.be.oneOf([2, 3]);
      expect(run.stderr).to.contain('K6_TOO_OLD');
    } finally {
      standIn.remove();
    }
  });
});

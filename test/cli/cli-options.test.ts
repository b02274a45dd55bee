/**
 * The command line as a nightly job uses it: every option is checked before anything
 * starts (exit 2, no stack), environment problems exit 3, help and version work for
 * every command, and --json keeps stdout machine-readable.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { COMMANDS } from '../../harness/cli/command-registry.ts';
import { benchProcess } from './run-cli.ts';

const STACK = /\n\s+at /;

describe('bench CLI options', function () {
  this.timeout(60_000);

  it('`bench run <plan>` runs that plan, not the default', async () => {
    // The positional plan decides which plan's stages are valid: timeouts has no `strict` stage.
    const result = await benchProcess(['run', 'timeouts', '--stage', 'strict']);
    expect(result.exitCode, result.all).to.equal(2);
    expect(result.stderr).to.contain('plan timeouts has no stage `strict`');
  });

  it('two different plans, positional and --plan, are a usage error', async () => {
    const result = await benchProcess(['run', 'timeouts', '--plan', 'retries-lab']);
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.contain('two plans given');
  });

  for (const [option, value] of [
    ['--rate', '1e9'],
    ['--rate', '0'],
    ['--rate', 'abc'],
    ['--duration', '-1s'],
    ['--duration', '10y'],
    ['--duration', 'abc'],
    ['--duration', '0s'],
    ['--duration', '48h'],
    ['--seed', '1.5'],
  ]) {
    it(`${option} ${value} is a usage error before anything starts`, async () => {
      const results = mkdtempSync(join(tmpdir(), 'bench-cli-'));
      const result = await benchProcess([option, value, '--results', results]);
      expect(result.exitCode, result.all).to.equal(2);
      expect(result.stderr).to.contain('USAGE');
      expect(result.stderr).to.contain(option);
      expect(result.stderr).to.not.match(STACK);
      expect(readdirSync(results), 'no run folder').to.deep.equal([]);
    });
  }

  it('a missing baseline fails before the run, not after it', async () => {
    const results = mkdtempSync(join(tmpdir(), 'bench-cli-'));
    const missing = await benchProcess(['--baseline', join(results, 'nope'), '--results', results]);
    expect(missing.exitCode).to.equal(2);
    expect(missing.stderr).to.contain('REPORT_BASELINE_NOT_FOUND');
    expect(readdirSync(results), 'no run started').to.deep.equal([]);
  });

  it('a malformed baseline (cells: [null]) is a user error before the run', async () => {
    const results = mkdtempSync(join(tmpdir(), 'bench-cli-'));
    const baseline = join(results, 'report.json');
    writeFileSync(baseline, JSON.stringify({ schema: 'resilience-bench/report@1', cells: [null] }));
    const result = await benchProcess(['--baseline', baseline, '--results', join(results, 'out')]);
    expect(result.exitCode, result.all).to.equal(2);
    expect(result.stderr).to.match(/REPORT_(INVALID|SCHEMA)/);
    expect(result.stderr).to.not.match(STACK);
  });

  it('a run folder whose run.json holds `cells: [null]` is a user error for bench report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
    const record = {
      schema: 'resilience-bench/run@1',
      runId: 'x',
      status: 'completed',
      startedAt: '2026-01-01T00:00:00Z',
      plan: { name: 'p', hash: 'h', meshProfile: 'istio-1.24+', url: 'http://a/' },
      options: { target: 'local', engine: 'embedded' },
      stages: [],
      cells: [null],
    };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(record));
    const result = await benchProcess(['report', dir]);
    expect(result.exitCode, result.all).to.equal(2);
    expect(result.stderr).to.contain('REPORT_RUN_INVALID');
    expect(result.stderr).to.contain('cells[0] should be an object');
    expect(result.stderr).to.not.match(STACK);
  });

  it('--baseline-optional: a nightly job\'s first run goes ahead without a baseline; --vantage runs only that vantage', async () => {
    const results = mkdtempSync(join(tmpdir(), 'bench-cli-'));
    const run = await benchProcess(['--stage', 'baseline', '--vantage', 'in-mesh', '--rate', '50', '--duration', '2s', '--results', results, '--baseline', join(results, 'none'), '--baseline-optional', '--json']);
    expect(run.stderr).to.contain('no baseline at');
    const report = JSON.parse(run.stdout);
    expect(report.cells.map((c: { vantage: string }) => c.vantage)).to.deep.equal(['in-mesh']);
    expect(report.missingCells).to.deep.equal([]);
    expect(run.exitCode, run.stderr).to.equal(report.passed ? 0 : 1);
  });

  it('a reader that closes the pipe early does not cut the run short', async () => {
    const results = mkdtempSync(join(tmpdir(), 'bench-cli-'));
    const child = benchProcess(['--stage', 'baseline', '--vantage', 'in-mesh', '--rate', '20', '--duration', '1s', '--results', results]);
    // Like `bench … 2>&1 | head -1`: both pipes close after the first line.
    await new Promise<void>((resolve) => child.all.once('data', () => resolve()));
    child.stdout.destroy();
    child.stderr.destroy();
    const result = await child;
    expect(result.exitCode).to.be.oneOf([0, 1]);
    const [run] = readdirSync(results);
    expect(JSON.parse(readFileSync(join(results, run, 'run.json'), 'utf8')).status).to.equal('completed');
  });

  it('a results folder that cannot be written is an environment error (exit 3) before anything starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
    writeFileSync(join(dir, 'file'), '');
    const result = await benchProcess(['--results', join(dir, 'file', 'results')]);
    expect(result.exitCode, result.all).to.equal(3);
    expect(result.stderr).to.contain('RESULTS_NOT_WRITABLE');
    expect(result.stderr).to.not.match(STACK);
  });

  it('--engine k6 without k6 is an environment error (exit 3)', async () => {
    const result = await benchProcess(['--engine', 'k6'], { env: { PATH: '/nonexistent' } });
    expect(result.exitCode).to.equal(3);
    expect(result.stderr).to.contain('K6_NOT_FOUND');
  });

  it('--help works for every command and names its options; --version prints the version', async () => {
    for (const command of COMMANDS) {
      const args = command.name === 'mesh' ? ['mesh', 'up', '--help'] : [command.name, '--help'];
      const result = await benchProcess(args);
      expect(result.exitCode, `${args.join(' ')}: ${result.all}`).to.equal(0);
      expect(result.stdout).to.contain(`usage: ${command.usage}`);
    }
    const version = await benchProcess(['--version']);
    expect(version.exitCode).to.equal(0);
    expect(version.stdout).to.match(/^bench \d+\.\d+\.\d+/);
  });

  it('--json: the result alone on stdout, also for errors', async () => {
    const plans = await benchProcess(['plans', '--json']);
    expect(JSON.parse(plans.stdout).map((p: { name: string }) => p.name)).to.include('retries-lab');
    const lint = await benchProcess(['lint', 'retries-lab', '--json']);
    expect(JSON.parse(lint.stdout)).to.include({ plan: 'retries-lab', ok: true });
    const bad = await benchProcess(['--rate', '0', '--json']);
    expect(bad.exitCode).to.equal(2);
    expect(JSON.parse(bad.stdout)).to.deep.include({ ok: false, exitCode: 2 });
  });
});

/** The k6 binary runner against a stand-in executable that behaves like k6 at the process boundary. */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../harness/errors/user-error.ts';
import { parseProgressLine } from '../../../harness/runners/k6-binary/progress.ts';
import { compareVersions, parseK6Version } from '../../../harness/runners/k6-binary/version.ts';
import { findK6, requireK6 } from '../../../harness/runners/k6-binary/find-k6.ts';
import { createK6Runner, watchdogMs } from '../../../harness/runners/k6-binary/k6-binary-runner.ts';
import type { RunProgress, RunRequest } from '../../../harness/runners/runner.ts';
import { selectRunner } from '../../../harness/runners/registry.ts';
import { createStandIn, type StandIn } from './stand-in.ts';

describe('k6 binary runner', function () {
  this.timeout(20_000);
  let k6: StandIn;
  before(() => {
    k6 = createStandIn();
  });
  after(() => k6.remove());

  const request = (overrides: Partial<RunRequest> = {}): RunRequest => ({
    bundlePath: '/bundles/unstable-endpoint.js',
    env: { RATE: '50' },
    tags: { stage: 'baseline', vantage: 'in-mesh' },
    summaryPath: join(k6.dir, 'summary.json'),
    ...overrides,
  });

  it('parses versions and progress lines', () => {
    expect(parseK6Version('k6 v0.49.0 (go1.21.6, linux/amd64)')).to.equal('v0.49.0');
    expect(parseK6Version('k6 v1.2.3 (commit/abc, go1.24, linux/amd64)\nExtensions: ...')).to.equal('v1.2.3');
    expect(parseK6Version('hello')).to.equal(undefined);
    expect(parseK6Version('curl v8.5.0')).to.equal(undefined);
    // k6 names itself after the file it was started as.
    expect(parseK6Version('k6-0.49 v0.49.0 (go1.21.6, linux/amd64)')).to.equal('v0.49.0');
    expect(parseK6Version('k6.exe v0.49.0 (go1.21.6, windows/amd64)')).to.equal('v0.49.0');
    expect(parseK6Version('loadgen v0.50.0 (commit/abc, go1.22.1, linux/amd64)')).to.equal('v0.50.0');
    expect(compareVersions('v0.48.9', '0.49.0')).to.be.lessThan(0);
    expect(compareVersions('v1.0.0', '0.49.0')).to.be.greaterThan(0);
    expect(parseProgressLine('running (1h02m05.2s), 020/200 VUs, 250 complete and 3 interrupted iterations')).to.deep.equal({
      elapsedMs: 3_725_200,
      requests: 250,
      failed: 0,
      vus: 20,
    });
  });

  it('reads the progress lines real k6 0.49 prints, with or without minutes', () => {
    const stdout = readFileSync(join(import.meta.dirname, '../../fixtures/k6-0.49/more/setup-teardown.stdout'), 'utf8');
    const progress = stdout.split('\n').map(parseProgressLine).filter((p) => p !== undefined);
    expect(progress).to.deep.equal([
      { elapsedMs: 1000, requests: 20, failed: 0, vus: 0 },
      { elapsedMs: 2000, requests: 40, failed: 0, vus: 0 },
      { elapsedMs: 2000, requests: 41, failed: 0, vus: 0 },
    ]);
    const long = readFileSync(join(import.meta.dirname, '../../fixtures/k6-0.49/more/all-fail-short.stdout'), 'utf8');
    expect(long.split('\n').map(parseProgressLine).filter((p) => p !== undefined)).to.deep.equal([{ elapsedMs: 0, requests: 6, failed: 0, vus: 0 }]);
  });

  it('accepts a K6_BIN whose file is not named k6', async () => {
    for (const name of ['k6-0.49', 'k6.exe']) {
      const renamed = createStandIn('v0.49.0', name);
      try {
        expect(await findK6({ PATH: '/nonexistent', K6_BIN: renamed.binary })).to.deep.equal({ binary: renamed.binary, version: 'v0.49.0' });
      } finally {
        renamed.remove();
      }
    }
  });

  it('finds k6 on PATH or through K6_BIN, and refuses what is missing or too old', async () => {
    expect(await findK6({ PATH: k6.dir })).to.deep.equal({ binary: k6.binary, version: 'v0.49.0' });
    expect(await findK6({ PATH: '/nonexistent', K6_BIN: k6.binary })).to.deep.equal({ binary: k6.binary, version: 'v0.49.0' });
    expect(await findK6({ PATH: '/nonexistent' })).to.equal(undefined);
    const missing = await requireK6({ PATH: '/nonexistent' }).catch((e) => e);
    expect(missing).to.be.instanceOf(UserError).and.include({ code: 'K6_NOT_FOUND' });
    expect(missing.fix).to.contain('--engine embedded');
    const old = createStandIn('v0.48.0');
    try {
      const tooOld = await findK6({ PATH: old.dir }).catch((e) => e);
      expect(tooOld).to.be.instanceOf(UserError).and.include({ code: 'K6_TOO_OLD' });
      expect(tooOld.message).to.contain('v0.48.0');
    } finally {
      old.remove();
    }
  });

  it('selects k6 when found and the embedded runtime otherwise', async () => {
    expect((await selectRunner('auto', { PATH: k6.dir })).name).to.equal('k6');
    expect((await selectRunner('auto', { PATH: '/nonexistent' })).name).to.equal('embedded');
    expect((await selectRunner('embedded', { PATH: k6.dir })).name).to.equal('embedded');
    const error = await selectRunner('k6', { PATH: '/nonexistent' }).catch((e) => e);
    expect(error).to.include({ code: 'K6_NOT_FOUND' });
  });

  it('passes the script variables in the environment (never on the command line), --tag, SUMMARY_PATH and HTTP_PROXY, streams progress and reads the summary', async () => {
    const runner = createK6Runner({ binary: k6.binary, version: 'v0.49.0' });
    expect(await runner.version()).to.equal('v0.49.0');
    const progress: RunProgress[] = [];
    const env = { RATE: '50', API_TOKEN: 'secret-token-value' };
    const result = await runner.run(request({ env, httpProxy: 'http://127.0.0.1:15001', onProgress: (p) => progress.push(p) }));
    expect(result).to.include({ outcome: 'ok', exitCode: 0 });
    expect(result.engine).to.deep.equal({ name: 'k6', version: 'v0.49.0' });
    expect(result.summary?.root_group.id).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    const seen = k6.lastRun();
    expect(seen.env).to.include({ RATE: '50', API_TOKEN: 'secret-token-value', SUMMARY_PATH: join(k6.dir, 'summary.json') });
    // `ps` shows every local user the command line: nothing of the plan's values is on it.
    expect(seen.args.join(' ')).to.not.contain('secret-token-value');
    expect(seen.args).to.deep.equal([
      'run',
      '--no-usage-report',
      '--include-system-env-vars',
      '--tag',
      'stage=baseline',
      '--tag',
      'vantage=in-mesh',
      '/bundles/unstable-endpoint.js',
    ]);
    expect(seen.httpProxy).to.equal('http://127.0.0.1:15001');
    expect(progress.map((p) => p.elapsedMs)).to.deep.equal([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(progress.at(-1)).to.deep.equal({ elapsedMs: 6000, requests: 42, failed: 0, vus: 7 });
  });

  it('maps exit codes 99 and 107 and keeps the stderr tail', async () => {
    const runner = createK6Runner({ binary: k6.binary, version: 'v0.49.0' });
    const failed = await runner.run(request({ env: { EXIT_CODE: '99' } }));
    expect(failed).to.include({ outcome: 'thresholds-failed', exitCode: 99 });
    expect(failed.summary).to.not.equal(undefined);
    const broken = await runner.run(request({ env: { EXIT_CODE: '107' } }));
    expect(broken).to.include({ outcome: 'script-exception', exitCode: 107 });
    expect(broken.summary).to.equal(undefined);
    expect(broken.detail).to.contain('ReferenceError');
  });

  it('does not take a stale summary file for a new one', async () => {
    const runner = createK6Runner({ binary: k6.binary, version: 'v0.49.0' });
    await runner.run(request());
    expect(existsSync(join(k6.dir, 'summary.json'))).to.equal(true);
    const broken = await runner.run(request({ env: { EXIT_CODE: '107' } }));
    expect(broken.summary).to.equal(undefined);
  });

  it('a k6 that hangs past duration + graceful stop + request timeout + margin is stopped by the watchdog', async () => {
    expect(watchdogMs({ DURATION: '8s', REQUEST_TIMEOUT: '10s' })).to.equal(8_000 + 30_000 + 10_000 + 60_000);
    // A negative margin brings the deadline of a 1 s cell down to a second, to keep the test short.
    const runner = createK6Runner({ binary: k6.binary, version: 'v0.49.0', watchdogMarginMs: -30_000, forceKillAfterMs: 500 });
    const result = await runner.run(request({ env: { HANG_HARD: '1', DURATION: '0.5s', REQUEST_TIMEOUT: '0.5s' } }));
    expect(result.outcome).to.equal('engine-error');
    expect(result.detail).to.contain('was stopped');
  });

  it('a `k6 version` that never answers is an environment error, not a hang', async () => {
    let thrown: unknown;
    await findK6({ K6_BIN: k6.binary, PATH: '', STANDIN_VERSION_HANG: '1' }, { versionTimeoutMs: 500 }).catch((error) => {
      thrown = error;
    });
    expect(thrown).to.be.instanceOf(UserError);
    expect((thrown as UserError).code).to.equal('K6_VERSION_TIMEOUT');
  });

  it('on abort sends SIGINT, lets k6 write its summary and reports 105', async () => {
    const runner = createK6Runner({ binary: k6.binary, version: 'v0.49.0' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const result = await runner.run(request({ env: { HANG: '1' }, signal: controller.signal }));
    expect(result).to.include({ outcome: 'interrupted', exitCode: 105 });
    expect(result.summary?.metrics.http_reqs.type).to.equal('counter');
    expect(JSON.parse(readFileSync(join(k6.dir, 'summary.json'), 'utf8')).state).to.have.property('testRunDurationMs');
  });
});

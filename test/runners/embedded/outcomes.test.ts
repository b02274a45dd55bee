/** Load-time refusals, portability messages, exit codes and handleSummary outputs. */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../harness/errors/user-error.ts';
import { captureStdout, runScript, useScriptFixture, values } from './helpers.ts';

describe('embedded runtime outcomes', function () {
  this.timeout(20_000);
  const fixture = useScriptFixture();

  async function refusal(source: string): Promise<UserError> {
    try {
      await runScript(fixture.dir.script(source));
    } catch (error) {
      expect(error).to.be.instanceOf(UserError);
      return error as UserError;
    }
    throw new Error('expected a load-time refusal');
  }

  it('refuses unsupported modules and exports at load time, naming them and --engine k6', async () => {
    const ws = await refusal(`import ws from 'k6/ws';\nexport default function () {}`);
    expect(ws.code).to.equal('EMBEDDED_UNSUPPORTED_API');
    expect(ws.message).to.contain('"k6/ws"');
    expect(ws.fix).to.contain('--engine k6');
    expect(ws.location?.line).to.equal(1);
    const jar = await refusal(`import { check } from 'k6';\nimport { cookieJar, get } from 'k6/http';\nexport default function () {}`);
    expect(jar.message).to.contain('"cookieJar" from "k6/http"');
    expect(jar.location?.line).to.equal(2);
    const remote = await refusal(`import { uuidv4 } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';\nexport default function () {}`);
    expect(remote.message).to.contain('https://jslib.k6.io');
  });

  it('stops with the API name when a script reaches an unsupported member of a default import', async () => {
    const result = await runScript(fixture.dir.script(`import http from 'k6/http';\nexport default function () { http.cookieJar(); }`));
    expect(result.outcome).to.equal('script-exception');
    expect(result.exitCode).to.equal(107);
    expect(result.detail).to.contain('k6/http.cookieJar').and.contain('--engine k6');
  });

  it('explains the await rule when a script reads a field of an un-awaited call', async () => {
    const result = await runScript(
      fixture.dir.script(`import http from 'k6/http';
import { check } from 'k6';
export default function () { const res = http.get('${fixture.server.url}/'); check(res, { ok: (r) => r.status === 200 }); }`),
    );
    expect(result.outcome).to.equal('script-exception');
    expect(result.detail).to.contain('.status').and.contain('await every k6 call').and.contain('await http.get(...)');
  });

  it('reports an exception in the init code as script-exception (107)', async () => {
    const result = await runScript(fixture.dir.script(`throw new Error('broken init');\nexport default function () {}`));
    expect(result).to.include({ outcome: 'script-exception', exitCode: 107 });
    expect(result.detail).to.contain('broken init');
    expect(result.summary).to.equal(undefined);
  });

  it('reports bad options as invalid-config (104)', async () => {
    const result = await runScript(fixture.dir.script(`export const options = { scenarios: { s: { executor: 'nope' } } };\nexport default function () {}`));
    expect(result).to.include({ outcome: 'invalid-config', exitCode: 104 });
    const unknownMetric = await runScript(fixture.dir.script(`export const options = { thresholds: { nope: ['count>0'] } };\nexport default function () {}`));
    expect(unknownMetric.outcome).to.equal('invalid-config');
    expect(unknownMetric.detail).to.contain('nope');
  });

  it('exec.test.abort() stops the run with 108 and still summarizes', async () => {
    const result = await runScript(
      fixture.dir.script(`import exec from 'k6/execution';
export const options = { vus: 1, duration: '10s' };
export default function () { if (__ITER === 2) exec.test.abort('enough'); }`),
    );
    expect(result).to.include({ outcome: 'aborted-by-script', exitCode: 108 });
    expect(result.detail).to.contain('enough');
    expect(values(result, 'iterations').count).to.equal(2);
  });

  it('exec.test.fail() lets the run finish and exits 110', async () => {
    const result = await runScript(
      fixture.dir.script(`import exec from 'k6/execution';
export const options = { iterations: 3 };
export default function () { if (__ITER === 0) exec.test.fail('bad data'); }`),
    );
    expect(result).to.include({ outcome: 'failed-by-script', exitCode: 110 });
    expect(values(result, 'iterations').count).to.equal(3);
  });

  it('an aborted signal stops gracefully, runs handleSummary and exits 105', async () => {
    const out = join(fixture.dir.path, 'interrupted.json');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await runScript(
      fixture.dir.script(`import { sleep } from 'k6';
export const options = { vus: 2, duration: '30s' };
export default async function () { await sleep(0.05); }
export function handleSummary(data) { return { '${out}': JSON.stringify(data) }; }`),
      { signal: controller.signal },
    );
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(result).to.include({ outcome: 'interrupted', exitCode: 105 });
    expect(JSON.parse(readFileSync(out, 'utf8')).metrics.iterations.values.count).to.be.greaterThan(0);
  });

  it('fails thresholds with exit 99 and aborts early on abortOnFail', async () => {
    const failing = await runScript(
      fixture.dir.script(`export const options = { iterations: 2, thresholds: { iterations: ['count>5'], iteration_duration: ['p(95)>=0'] } };
export default function () {}`),
    );
    expect(failing).to.include({ outcome: 'thresholds-failed', exitCode: 99 });
    expect(failing.summary?.metrics.iterations.thresholds).to.deep.equal({ 'count>5': { ok: false } });
    expect(failing.summary?.metrics.iteration_duration.thresholds).to.deep.equal({ 'p(95)>=0': { ok: true } });

    const started = Date.now();
    const aborted = await runScript(
      fixture.dir.script(`import { sleep } from 'k6';
import { Rate } from 'k6/metrics';
const bad = new Rate('bad');
export const options = { vus: 1, duration: '20s', thresholds: { bad: [{ threshold: 'rate<0.5', abortOnFail: true }] } };
export default async function () { bad.add(true); await sleep(0.05); }`),
    );
    expect(aborted).to.include({ outcome: 'thresholds-failed', exitCode: 99 });
    // Checked every 2 s, so the run ends after about 2 s instead of 20 s.
    expect(Date.now() - started).to.be.within(1500, 8000);
  });

  it('writes handleSummary files (relative to cwd) and stdout; without one, prints the text summary and writes no file', async () => {
    const cwd = process.cwd();
    process.chdir(fixture.dir.path);
    try {
      const result = await runScript(
        fixture.dir.script(`export const options = { iterations: 1 };
export default function () {}
export function handleSummary(data) { return { 'out/rel.json': JSON.stringify(data.metrics.iterations), stdout: '' }; }`),
      );
      expect(result.outcome).to.equal('ok');
      expect(JSON.parse(readFileSync(join(fixture.dir.path, 'out', 'rel.json'), 'utf8')).values.count).to.equal(1);
    } finally {
      process.chdir(cwd);
    }
    const summaryPath = join(fixture.dir.path, 'fallback', 'summary.json');
    const printed = await captureStdout(() => runScript(fixture.dir.script(`export default function () {}`), { summaryPath }));
    expect(printed.result.outcome).to.equal('ok');
    expect(existsSync(summaryPath), 'k6 writes no file without handleSummary').to.equal(false);
    expect(printed.stdout).to.match(/\n {5}iterations\.+: 1 +\d/);
  });
});

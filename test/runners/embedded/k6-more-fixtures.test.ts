/**
 * The scripts of test/fixtures/k6-0.49/more, which real k6 v0.49.0 ran, run on the
 * embedded runtime: the data handleSummary gets and what is printed without one must
 * match k6's in shape, and in every value k6 fixes exactly. The scripts are the fixture
 * scripts made portable (every k6 call awaited, groups holding only synchronous work).
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { K6SummaryData, SummaryGroup } from '../../../harness/model/k6-summary.ts';
import { captureStdout, closedPort, runScript, startUnstableServer, TempDir, type TestServer } from './helpers.ts';

const MORE = join(import.meta.dirname, '../../fixtures/k6-0.49/more');
const real = (name: string) => JSON.parse(readFileSync(join(MORE, name), 'utf8')) as K6SummaryData & { setup_data?: unknown };

function groupShape(group: SummaryGroup): unknown {
  return { name: group.name, path: group.path, id: group.id, groups: group.groups.map(groupShape), checks: group.checks.map((c) => ({ name: c.name, path: c.path, id: c.id, passes: c.passes, fails: c.fails })) };
}

function metricShapes(data: K6SummaryData): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data.metrics).map(([name, m]) => [name, { type: m.type, contains: m.contains, values: Object.keys(m.values).sort() }]));
}

const count = (data: K6SummaryData, metric: string, key = 'count') => (data.metrics[metric]?.values as Record<string, number> | undefined)?.[key];

describe('embedded runtime vs real k6 0.49: setup/teardown, short runs, no handleSummary', function () {
  this.timeout(30_000);
  let dir: TempDir;
  let server: TestServer;
  before(async () => {
    dir = new TempDir();
    server = await startUnstableServer();
  });
  after(async () => {
    dir.remove();
    await server.close();
  });

  it('setup-teardown: setup_data, the setup and teardown groups, 41 iterations for 20/s over 2 s, vus_max from the pre-allocated VUs', async () => {
    const fixture = real('setup-teardown-data.json');
    const out = join(dir.path, 'setup-teardown.json');
    const result = await runScript(
      dir.script(`import http from 'k6/http';
import { check, group } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '2s', preAllocatedVUs: 5, maxVUs: 10 } } };
const URL = __ENV.ENDPOINT_URL;
export async function setup() {
  const r = await http.get(URL);
  check(r, { 'setup got an answer': (x) => x.status > 0 });
  return { startedWith: r.status, note: 'from setup' };
}
export default async function (data) {
  const r = await http.get(URL);
  group('calls', () => {
    check(r, { 'is 200': (x) => x.status === 200 });
  });
}
export function teardown(data) {
  check(data, { 'teardown sees setup data': (d) => d.note === 'from setup' });
}
export function handleSummary(data) {
  return { [__ENV.SUMMARY_OUT]: JSON.stringify(data, null, 1) };
}`),
      { env: { ENDPOINT_URL: `${server.url}/x`, SUMMARY_OUT: out } },
    );
    expect(result.outcome, result.detail).to.equal('ok');
    const data = JSON.parse(readFileSync(out, 'utf8')) as K6SummaryData & { setup_data?: unknown };

    expect(Object.keys(data).sort()).to.deep.equal(Object.keys(fixture).sort());
    expect(data.setup_data).to.deep.equal(fixture.setup_data);
    // Same groups, checks, ids and counts: setup's and teardown's checks in their groups.
    expect(groupShape(data.root_group)).to.deep.equal(groupShape(fixture.root_group));
    expect(metricShapes(data)).to.deep.equal(metricShapes(fixture));
    for (const [metric, key] of [
      ['iterations', 'count'],
      ['http_reqs', 'count'],
      ['checks', 'passes'],
      ['checks', 'fails'],
      ['http_req_failed', 'passes'],
    ] as const) {
      expect(count(data, metric, key), `${metric}.${key}`).to.equal(count(fixture, metric, key));
    }
    expect(data.metrics.vus_max.values).to.deep.equal(fixture.metrics.vus_max.values);
  });

  it('all-fail-short: no vus/vus_max under a second, no expected_response sub-metric without a success', async () => {
    const fixture = real('all-fail-short-data.json');
    const out = join(dir.path, 'all-fail-short.json');
    const result = await runScript(
      dir.script(`import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 2, iterations: 6 };
export default async function () {
  const r = await http.get(__ENV.ENDPOINT_URL);
  check(r, { 'is 200': (x) => x.status === 200 });
}
export function handleSummary(data) {
  return { [__ENV.SUMMARY_OUT]: JSON.stringify(data, null, 1) };
}`),
      { env: { ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}/x`, SUMMARY_OUT: out } },
    );
    expect(result.outcome, result.detail).to.equal('ok');
    const data = JSON.parse(readFileSync(out, 'utf8')) as K6SummaryData;
    expect(Object.keys(data).sort()).to.deep.equal(Object.keys(fixture).sort());
    expect(Object.keys(data.metrics).sort()).to.deep.equal(Object.keys(fixture.metrics).sort());
    expect(metricShapes(data)).to.deep.equal(metricShapes(fixture));
    expect(groupShape(data.root_group)).to.deep.equal(groupShape(fixture.root_group));
    expect(count(data, 'http_reqs')).to.equal(6);
  });

  it('no-handle-summary: prints the text summary as k6 lays it out, and writes no file', async () => {
    const stdout = readFileSync(join(MORE, 'no-handle-summary.stdout'), 'utf8');
    const summaryPath = join(dir.path, 'no-handle-summary', 'summary.json');
    const printed = await captureStdout(() =>
      runScript(
        dir.script(`import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 2, duration: '3s' };
export default async function () {
  const r = await http.get(__ENV.ENDPOINT_URL);
  check(r, { 'is 200': (x) => x.status === 200 });
}`),
        { env: { ENDPOINT_URL: `${server.url}/x` }, summaryPath },
      ),
    );
    expect(printed.result.outcome, printed.result.detail).to.equal('ok');
    expect(existsSync(summaryPath)).to.equal(false);
    expect(summaryLines(printed.stdout)).to.deep.equal(summaryLines(stdout));
  });
});

/**
 * The text summary's lines with every number (and its unit) replaced by N: what is left is
 * the layout, the metric names with their dots, the stat names and the check marks.
 */
function summaryLines(stdout: string): string[] {
  const lines = stdout.split('\n');
  const first = lines.findIndex((l) => /^ {5}[✓✗] /.test(l));
  const last = lines.findLastIndex((l) => /^ {5}vus_max\.+: /.test(l));
  return lines
    .slice(first, last + 1)
    .map((l) =>
      l
        .replace(/\d+(?:\.\d+)?(?:ns|µs|ms|s|m|h| B| kB| MB| GB)?/g, 'N')
        .replace(/N(?:mN)*/g, 'N')
        .replace(/ +/g, ' ')
        .trimEnd(),
    );
}

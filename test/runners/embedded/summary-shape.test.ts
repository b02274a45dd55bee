/**
 * The parity claim: the embedded runtime hands handleSummary the same data shape real
 * k6 v0.49 does. Compared key by key with the fixture written by real k6 (values differ
 * run to run; names, types, value columns, thresholds maps and group/check ids do not).
 */
import { LATENCY_BUCKET_METRIC, latencyBucketThresholds } from '../../../harness/model/latency-histogram.ts';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleScenarios } from '../../../esbuild.config.mjs';
import type { K6SummaryData, SummaryGroup } from '../../../harness/model/k6-summary.ts';
import { runScript, startUnstableServer, TempDir, type TestServer } from './helpers.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/k6-0.49/handle-summary-data.json');
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as K6SummaryData;

/** The names, ids and key sets of a group tree, without the counts. */
function groupShape(group: SummaryGroup): unknown {
  return {
    keys: Object.keys(group).sort(),
    name: group.name,
    path: group.path,
    id: group.id,
    groups: group.groups.map(groupShape),
    checks: group.checks.map((c) => ({ keys: Object.keys(c).sort(), name: c.name, path: c.path, id: c.id })),
  };
}

function metricShape(metric: K6SummaryData['metrics'][string]): unknown {
  return {
    keys: Object.keys(metric).sort(),
    type: metric.type,
    contains: metric.contains,
    values: Object.keys(metric.values).sort(),
    thresholds: metric.thresholds && Object.fromEntries(Object.entries(metric.thresholds).map(([k, v]) => [k, Object.keys(v)])),
  };
}

describe('embedded runtime summary data vs real k6 0.49', function () {
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

  it('matches the fixture key by key for the fixture script (made portable with await)', async () => {
    // fixtures/k6-0.49/script.js, with every k6 call awaited and the burst group holding
    // only synchronous work, as the portability rules require.
    const path = dir.script(`import http from 'k6/http';
import { check, group } from 'k6';
import { Counter, Rate, Trend, Gauge } from 'k6/metrics';
const timeouts = new Counter('timeouts');
const success = new Rate('success_rate');
const latency = new Trend('endpoint_latency', true);
const inflight = new Gauge('inflight_gauge');
export const options = {
  scenarios: {
    steady: { executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', duration: '1s', preAllocatedVUs: 5, maxVUs: 50, tags: { vantage: 'in-mesh' } },
    burst: { executor: 'per-vu-iterations', vus: 2, iterations: 5, startTime: '0s', exec: 'burst' },
  },
  thresholds: {
    http_req_failed: ['rate<0.9'],
    'http_req_duration{vantage:in-mesh}': ['p(95)<500', 'p(99)<1000'],
    success_rate: [{ threshold: 'rate>0.3', abortOnFail: false }],
    checks: ['rate>0.1'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
};
export default async function () {
  const r = await http.get('${server.url}/unstable-endpoint', { tags: { name: 'unstable', stage: 'baseline' }, timeout: '2s' });
  const ok = check(r, { 'status is 200': (x) => x.status === 200 });
  success.add(ok); latency.add(r.timings.duration); inflight.add(1);
  if (r.error_code === 1050) timeouts.add(1);
}
export async function burst() {
  const r = await http.get('${server.url}/unstable-endpoint');
  group('burst group', function () {
    check(r, { 'burst ok': (x) => x.status === 200 });
  });
  const refused = await http.get('http://127.0.0.1:1/refused', { timeout: '1s' });
  check(refused, { 'refused has error code 1212': (x) => x.error_code === 1212 });
}
export function handleSummary(data) { return { '${join(dir.path, 'k6-summary.json')}': JSON.stringify(data, null, 2) }; }`);
    const result = await runScript(path);
    expect(result.outcome, result.detail).to.equal('ok');
    const data = result.summary as K6SummaryData;
    const written = JSON.parse(readFileSync(join(dir.path, 'k6-summary.json'), 'utf8'));
    expect(written).to.deep.equal(JSON.parse(JSON.stringify(data)));

    expect(Object.keys(data).sort()).to.deep.equal(Object.keys(fixture).sort());
    expect(Object.keys(data.options).sort()).to.deep.equal(Object.keys(fixture.options).sort());
    expect(data.options.summaryTrendStats).to.deep.equal(fixture.options.summaryTrendStats);
    expect(Object.keys(data.state).sort()).to.deep.equal(Object.keys(fixture.state).sort());
    expect(groupShape(data.root_group)).to.deep.equal(groupShape(fixture.root_group));
    expect(Object.keys(data.metrics).sort()).to.deep.equal(Object.keys(fixture.metrics).sort());
    for (const name of Object.keys(fixture.metrics)) {
      expect(metricShape(data.metrics[name]), name).to.deep.equal(metricShape(fixture.metrics[name]));
    }
    // Counts k6 fixes exactly: 10 burst iterations, each with one refused request.
    expect(data.root_group.checks.find((c) => c.name === 'refused has error code 1212')).to.include({ passes: 10, fails: 0 });
    // 5 pre-allocated + 2 burst VUs, and more only if a stalled timer made arrivals bunch up.
    expect((data.metrics.vus_max.values as { value: number }).value).to.be.at.least(7);
  });

  it('gives the real unstable-endpoint bundle the structure real k6 gives it', async () => {
    const bundles = await bundleScenarios({ entryPoints: [join(import.meta.dirname, '../../../scenarios/unstable-endpoint.ts')], outdir: join(dir.path, 'dist') });
    const summaryPath = join(dir.path, 'results', 'unstable-summary.json');
    const result = await runScript(bundles['unstable-endpoint'], {
      env: { ENDPOINT_URL: `${server.url}/unstable-endpoint`, RATE: '40', DURATION: '1s', STAGE: 'baseline', VANTAGE: 'external' },
      tags: { stage: 'baseline' },
      summaryPath,
    });
    expect(result.outcome, result.detail).to.equal('ok');
    const data = result.summary as K6SummaryData;
    expect(JSON.parse(readFileSync(summaryPath, 'utf8'))).to.deep.equal(JSON.parse(JSON.stringify(data)));
    expect(Object.keys(data).sort()).to.deep.equal(Object.keys(fixture).sort());
    expect(groupShape(data.root_group)).to.deep.equal({
      keys: ['checks', 'groups', 'id', 'name', 'path'],
      name: '',
      path: '',
      id: fixture.root_group.id,
      groups: [],
      checks: [{ keys: ['fails', 'id', 'name', 'passes', 'path'], name: 'status is 200', path: '::status is 200', id: '6210a8cd14cd70477eba5c5e4cb3fb5f' }],
    });
    // Every metric real k6 reports for this script, with the fixture's type, contains and columns.
    const builtins = Object.keys(fixture.metrics).filter((n) => n.startsWith('http_') || ['checks', 'data_received', 'data_sent', 'iterations', 'iteration_duration', 'vus', 'vus_max'].includes(n));
    const breakdown = ['0', '200', '400', '404', '429', '500', '502', '503', '504'].map((s) => `http_reqs{status:${s}}`).concat(['1000', '1050', '1211', '1212', '1220'].map((c) => `http_reqs{error_code:${c}}`));
    // The latency buckets (model/latency-histogram.ts) appear as the breakdown does: one sub-metric per threshold.
    const buckets = [LATENCY_BUCKET_METRIC, ...Object.keys(latencyBucketThresholds())];
    const expected = [...builtins.filter((n) => n !== 'http_req_duration{vantage:in-mesh}'), ...breakdown, ...buckets, 'success_rate', 'successes', 'failures'];
    expect(Object.keys(data.metrics).sort()).to.deep.equal(expected.sort());
    for (const name of builtins.filter((n) => n in data.metrics)) {
      const shape = metricShape(data.metrics[name]) as { thresholds?: unknown };
      const reference = metricShape(fixture.metrics[name]) as { thresholds?: unknown };
      expect({ ...shape, thresholds: undefined, keys: undefined }, name).to.deep.equal({ ...reference, thresholds: undefined, keys: undefined });
    }
    for (const name of breakdown) {
      expect(metricShape(data.metrics[name]), name).to.deep.equal({
        keys: ['contains', 'thresholds', 'type', 'values'],
        type: 'counter',
        contains: 'default',
        values: ['count', 'rate'],
        thresholds: { 'count>=0': ['ok'] },
      });
    }
    expect(metricShape(data.metrics.successes)).to.deep.include({ type: 'counter', contains: 'default', values: ['count', 'rate'] });
    const values = (name: string) => data.metrics[name].values as Record<string, number>;
    expect(values('http_reqs{status:200}').count + values('http_reqs{status:500}').count).to.equal(values('http_reqs').count);
    // 40/s for 1 s: 41 iterations, as real k6 starts the one due at the end too.
    expect(values('http_reqs').count).to.equal(41);
  });
});

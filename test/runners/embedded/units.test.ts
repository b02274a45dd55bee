/** Pure pieces of the embedded runtime: durations, percentiles, thresholds, ramps, parsing. */
import { expect } from 'chai';
import { parseDurationMs } from '../../../harness/runners/embedded/duration.ts';
import { collectInitGarbage } from '../../../harness/runners/embedded/executors/init-garbage.ts';
import { arrivalsUntil, vusAt } from '../../../harness/runners/embedded/executors/ramp.ts';
import { ResponseParser } from '../../../harness/runners/embedded/http/response-parser.ts';
import { scanImports } from '../../../harness/runners/embedded/loader.ts';
import { MetricRegistry, splitSubmetricName } from '../../../harness/runners/embedded/metrics/registry.ts';
import { evaluateThresholds, parseThresholds } from '../../../harness/runners/embedded/metrics/thresholds.ts';
import { TrendSink } from '../../../harness/runners/embedded/metrics/trend-sink.ts';
import { normalizeOptions } from '../../../harness/runners/embedded/options.ts';

describe('embedded runtime units', () => {
  it('parses k6 durations', () => {
    expect(parseDurationMs('1m30s', 'x')).to.equal(90_000);
    expect(parseDurationMs('500ms', 'x')).to.equal(500);
    expect(parseDurationMs('1.5s', 'x')).to.equal(1500);
    expect(parseDurationMs('2h', 'x')).to.equal(7_200_000);
    expect(parseDurationMs(250, 'x')).to.equal(250);
    expect(() => parseDurationMs('10 seconds', 'x')).to.throw(/not a k6 duration/);
  });

  it('computes percentiles the way k6 does (linear interpolation between ranks)', () => {
    const sink = new TrendSink();
    for (const v of [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]) sink.add(v);
    expect(sink.percentile(0.5)).to.equal(5.5);
    expect(sink.percentile(0.9)).to.be.closeTo(9.1, 1e-9);
    expect(sink.percentile(0)).to.equal(1);
    expect(sink.percentile(1)).to.equal(10);
    expect(sink.avg()).to.equal(5.5);
    expect([sink.min, sink.max, sink.count]).to.deep.equal([1, 10, 10]);
    for (let i = 0; i < 1000; i++) sink.add(i % 7);
    expect(sink.count).to.equal(1010);
    expect(new TrendSink().percentile(0.95)).to.equal(0);
  });

  it('parses sub-metric names and thresholds, and evaluates them', () => {
    expect(splitSubmetricName('http_reqs{status:500, method:"GET"}')).to.deep.equal({
      parent: 'http_reqs',
      tags: [
        ['status', '500'],
        ['method', 'GET'],
      ],
    });
    const registry = new MetricRegistry();
    const thresholds = parseThresholds(
      {
        'http_reqs{status:500}': ['count<2', 'rate>=0'],
        'http_req_duration{vantage:in-mesh}': ['p(95)<100', { threshold: 'avg < 50', abortOnFail: true, delayAbortEval: '10s' }],
        http_req_failed: ['rate<0.5'],
      },
      registry,
    );
    expect(thresholds.map((t) => [t.aggregate.name, t.aggregation, t.operator, t.value])).to.deep.equal([
      ['http_reqs{status:500}', 'count', '<', 2],
      ['http_reqs{status:500}', 'rate', '>=', 0],
      ['http_req_duration{vantage:in-mesh}', 'p(95)', '<', 100],
      ['http_req_duration{vantage:in-mesh}', 'avg', '<', 50],
      ['http_req_failed', 'rate', '<', 0.5],
    ]);
    expect(thresholds[3]).to.include({ abortOnFail: true, delayAbortEvalMs: 10_000 });
    const reqs = registry.get('http_reqs');
    const duration = registry.get('http_req_duration');
    for (const [status, ms] of [
      ['500', 200],
      ['500', 10],
      ['200', 20],
    ] as const) {
      registry.add(reqs, 1, { status, vantage: 'in-mesh' });
      registry.add(duration, ms, { status, vantage: 'in-mesh' });
    }
    const failed = evaluateThresholds(thresholds, 1).map((t) => `${t.aggregate.name} ${t.source}`);
    expect(failed).to.deep.equal(['http_reqs{status:500} count<2', 'http_req_duration{vantage:in-mesh} p(95)<100', 'http_req_duration{vantage:in-mesh} avg < 50']);
  });

  it('rejects thresholds k6 would reject', () => {
    const registry = new MetricRegistry();
    expect(() => parseThresholds({ http_reqs: ['p(95)<1'] }, registry)).to.throw(/not an aggregation of counter/);
    expect(() => parseThresholds({ http_req_duration: ['p95 < 1'] }, registry)).to.throw(/not "<aggregation> <operator> <number>"/);
    expect(() => parseThresholds({ unknown_metric: ['count>0'] }, registry)).to.throw(/never defines/);
  });

  it('applies option shortcuts and defaults', () => {
    expect(normalizeOptions({}).scenarios[0]).to.include({ executor: 'shared-iterations', vus: 1, iterations: 1, gracefulStopMs: 30_000, exec: 'default' });
    expect(normalizeOptions({ vus: 5, duration: '10s' }).scenarios[0]).to.include({ executor: 'constant-vus', vus: 5, durationMs: 10_000 });
    expect(normalizeOptions({ stages: [{ duration: '5s', target: 3 }] }).scenarios[0]).to.include({ executor: 'ramping-vus', startVUs: 1 });
    const arrival = normalizeOptions({ scenarios: { a: { executor: 'constant-arrival-rate', rate: 10, duration: '1s', preAllocatedVUs: 2 } } });
    expect(arrival.scenarios[0]).to.include({ timeUnitMs: 1000, maxVUs: 2 });
    expect(arrival.summaryTrendStats).to.deep.equal(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
    expect(() => normalizeOptions({ scenarios: { a: { executor: 'constant-vus', vus: 1 } } })).to.throw(/duration is required/);
    expect(() => normalizeOptions({ summaryTrendStats: ['p95'] })).to.throw(/summaryTrendStats/);
  });

  it('ramps VUs and arrivals linearly over stages', () => {
    const stages = [
      { durationMs: 1000, target: 10 },
      { durationMs: 1000, target: 0 },
    ];
    expect([0, 500, 1000, 1500, 2000, 5000].map((t) => vusAt(0, stages, t))).to.deep.equal([0, 5, 10, 5, 0, 0]);
    // rate per ms ramps 0 -> 0.01 -> 0: the area is 10 arrivals.
    const perMs = stages.map((s) => ({ ...s, target: s.target / 1000 }));
    expect(arrivalsUntil(0, perMs, 1000)).to.be.closeTo(5, 1e-9);
    expect(arrivalsUntil(0, perMs, 2000)).to.be.closeTo(10, 1e-9);
    expect(arrivalsUntil(0.001, [{ durationMs: 0, target: 0.002 }, { durationMs: 1000, target: 0.002 }], 1000)).to.be.closeTo(2, 1e-9);
  });

  it('parses content-length, chunked and close-delimited responses fed byte by byte', () => {
    const feedAll = (parser: ResponseParser, text: string, step: number) => {
      const bytes = Buffer.from(text);
      let done = false;
      for (let i = 0; i < bytes.length; i += step) done = parser.feed(bytes.subarray(i, i + step));
      return done;
    };
    const sized = new ResponseParser(false, true);
    expect(feedAll(sized, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nX-A: 2\r\n\r\nhello', 1)).to.equal(true);
    expect(sized.head).to.deep.equal({ status: 200, statusText: 'OK', version: '1.1', headers: { 'content-length': '5', 'x-a': '1, 2' } });
    expect(Buffer.concat(sized.body).toString()).to.equal('hello');
    expect(sized.keepAlive).to.equal(true);

    const chunked = new ResponseParser(false, true);
    expect(feedAll(chunked, 'HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n', 3)).to.equal(true);
    expect(Buffer.concat(chunked.body).toString()).to.equal('Wikipedia');

    const closed = new ResponseParser(false, true);
    expect(feedAll(closed, 'HTTP/1.0 200 OK\r\n\r\nuntil close', 4)).to.equal(false);
    expect(closed.end()).to.equal(true);
    expect(closed.keepAlive).to.equal(false);
    expect(Buffer.concat(closed.body).toString()).to.equal('until close');

    const interim = new ResponseParser(false, true);
    expect(feedAll(interim, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n', 7)).to.equal(true);
    expect(interim.head?.status).to.equal(204);
    expect(interim.keepAlive).to.equal(false);

    expect(() => new ResponseParser(false, true).feed(Buffer.from('garbage\r\n\r\n'))).to.throw(/malformed/);
  });

  it('finds the k6 imports of an esbuild bundle', () => {
    const bundle = `// scenarios/x.ts\nimport { check } from "k6";\nimport http from "k6/http";\nimport { Counter, Rate as R } from "k6/metrics";\nimport * as ws from "k6/ws";\nimport "k6/x/side";\nconst s = "import nothing from 'k6/fake'";`;
    expect(scanImports(bundle)).to.deep.equal([
      { module: 'k6', name: 'check', line: 2 },
      { module: 'k6/http', name: 'default', line: 3 },
      { module: 'k6/metrics', name: 'Counter', line: 4 },
      { module: 'k6/metrics', name: 'Rate', line: 4 },
      { module: 'k6/ws', name: '*', line: 5 },
      { module: 'k6/x/side', name: '*', line: 6 },
    ]);
  });

  it('collects VU init garbage on demand, before an arrival-rate scenario starts its clock', async () => {
    // A WeakRef keeps its target alive until the job that made it ends, so the garbage is
    // made a turn earlier; nothing else holds it, so only a collection can clear it.
    const ref = new WeakRef({ initState: new Array(1000).fill('vu') });
    await new Promise((resolve) => setImmediate(resolve));
    collectInitGarbage();
    expect(ref.deref()).to.equal(undefined);
  });
});

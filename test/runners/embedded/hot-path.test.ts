/**
 * The per-request shortcuts of the embedded runtime keep k6's semantics: shared request
 * deadlines fire like one timer per request, reused tag sets follow the request's
 * current tags, and one interrupt tears down every request a VU has in flight.
 */
import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { cancelDeadline, type Expirable, scheduleDeadline } from '../../../harness/runners/embedded/http/deadlines.ts';
import { runScript, useScriptFixture, values } from './helpers.ts';

function entry(timeoutMs: number, fired: { name: string; lateBy: number }[], name: string): Expirable {
  const deadline = performance.now() + timeoutMs;
  return {
    deadline,
    expired() {
      fired.push({ name, lateBy: performance.now() - deadline });
    },
  };
}

describe('embedded runtime hot path', function () {
  this.timeout(20_000);
  const fixture = useScriptFixture();

  it('shared deadlines expire each request at its own deadline, in order, and never a cancelled one', async () => {
    const fired: { name: string; lateBy: number }[] = [];
    const a = entry(40, fired, 'a');
    const b = entry(40, fired, 'b');
    const c = entry(40, fired, 'c');
    const short = entry(15, fired, 'short');
    const long = entry(90, fired, 'long');
    for (const e of [a, b, c]) scheduleDeadline(e, 40);
    scheduleDeadline(short, 15);
    scheduleDeadline(long, 90);
    cancelDeadline(b);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fired.map((f) => f.name)).to.deep.equal(['short', 'a', 'c', 'long']);
    // Never earlier than a millisecond timer would fire; the upper bound is loose on
    // purpose (a loaded machine delays timers), the order above is the real assertion.
    for (const f of fired) expect(f.lateBy, f.name).to.be.greaterThan(-1.01).and.lessThan(250);
    cancelDeadline(a);
  });

  it('tags each request from its params at the time of the call, even when a params object is reused and changed', async () => {
    const server = await fixture.serve((_req, res) => res.end('ok'));
    const path = fixture.dir.script(`import http from 'k6/http';
import { check, group } from 'k6';
export const options = {
  iterations: 1,
  thresholds: {
    'http_reqs{name:first}': ['count==2'],
    'http_reqs{name:second}': ['count==1'],
    'http_reqs{name:second,extra:yes}': ['count==1'],
    'checks{check:ok,group:}': ['rate==1'],
    'checks{check:ok,group:::g}': ['rate==1'],
    'checks{check:ok,kind:tagged}': ['rate==1'],
  },
};
export default async function () {
  const params = { tags: { name: 'first' } };
  await http.get('${server.url}/a', params);
  await http.get('${server.url}/a', params);
  params.tags.name = 'second';
  params.tags.extra = 'yes';
  const res = await http.get('${server.url}/a', params);
  check(res, { ok: (r) => r.status === 200 });
  group('g', () => check(res, { ok: (r) => r.status === 200 }));
  check(res, { ok: (r) => r.status === 200 }, { kind: 'tagged' });
}`);
    const result = await runScript(path);
    expect(result.outcome, result.detail).to.equal('ok');
    expect(values(result, 'http_reqs{name:first}').count).to.equal(2);
    expect(values(result, 'http_reqs{name:second}').count).to.equal(1);
    expect(values(result, 'http_reqs{name:second,extra:yes}').count).to.equal(1);
    expect(values(result, 'checks{check:ok,group:}').passes).to.equal(2);
    expect(values(result, 'checks{check:ok,group:::g}').passes).to.equal(1);
    expect(values(result, 'checks{check:ok,kind:tagged}').passes).to.equal(1);
  });

  it('interrupts every request a VU has in flight after gracefulStop', async () => {
    const silent = await fixture.serve(() => {});
    const path = fixture.dir.script(`import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '200ms', gracefulStop: '100ms' } } };
export default async function () {
  await http.batch([['GET', '${silent.url}/1'], ['GET', '${silent.url}/2'], ['GET', '${silent.url}/3']]);
}`);
    const started = Date.now();
    const result = await runScript(path);
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(result.outcome, result.detail).to.equal('ok');
    expect(result.summary?.metrics.iterations).to.equal(undefined);
    expect(result.summary?.metrics.http_reqs).to.equal(undefined);
  });
});

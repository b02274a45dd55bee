/**
 * Scheduling of each executor. Time-based counts use wide intervals (tens of percent)
 * because the two-core CI machine may stall timers; counts that k6 fixes exactly are exact.
 */
import { expect } from 'chai';
import { closedPort, runScript, useScriptFixture, values } from './helpers.ts';

describe('embedded runtime executors', function () {
  this.timeout(20_000);
  const fixture = useScriptFixture();

  const script = (options: object, body = 'await sleep(0.01);', extra = '') =>
    fixture.dir.script(`import { sleep } from 'k6';
import exec from 'k6/execution';
export const options = ${JSON.stringify(options)};
export default async function () { ${body} }
${extra}`);

  it('shared-iterations runs exactly the total, shared by the VUs', async () => {
    const result = await runScript(script({ scenarios: { s: { executor: 'shared-iterations', vus: 3, iterations: 10 } } }));
    expect(result.outcome).to.equal('ok');
    expect(values(result, 'iterations').count).to.equal(10);
    // k6 samples vus and vus_max once a second: a run this short reports neither.
    expect(result.summary?.metrics.vus_max).to.equal(undefined);
    expect(result.summary?.metrics.vus).to.equal(undefined);
  });

  it('per-vu-iterations runs the count on every VU', async () => {
    const result = await runScript(
      script({ scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 4 } }, thresholds: { 'iterations{scenario:s}': ['count==12'] } }),
    );
    expect(result.outcome).to.equal('ok');
    expect(values(result, 'iterations').count).to.equal(12);
  });

  it('the iterations shortcut is shared-iterations and __VU/__ITER are 1-based/0-based', async () => {
    const path = fixture.dir.script(`import { Counter } from 'k6/metrics';
const seen = new Counter('seen');
export const options = {
  vus: 2,
  iterations: 6,
  thresholds: { 'seen{vu:0}': ['count==0'], 'seen{vu:1}': ['count>=1'], 'seen{vu:2}': ['count>=1'], 'seen{iter:0}': ['count==2'] },
};
export default function () { seen.add(1, { vu: String(__VU), iter: String(__ITER) }); }`);
    const result = await runScript(path);
    expect(result.outcome, result.detail).to.equal('ok');
    expect(values(result, 'iterations').count).to.equal(6);
    expect(values(result, 'seen').count).to.equal(6);
  });

  it('constant-vus keeps its VUs looping for the duration', async () => {
    const started = Date.now();
    const result = await runScript(script({ vus: 2, duration: '1s' }, 'await sleep(0.1);'));
    const elapsed = Date.now() - started;
    expect(result.outcome).to.equal('ok');
    // 2 VUs x ~10 iterations of 100 ms; generous bounds for timer stalls.
    expect(values(result, 'iterations').count).to.be.within(8, 22);
    expect(elapsed).to.be.within(900, 5000);
  });

  it('ramping-vus follows its stages (stages shortcut)', async () => {
    const path = fixture.dir.script(`import { sleep } from 'k6';
import exec from 'k6/execution';
import { Gauge } from 'k6/metrics';
const active = new Gauge('active');
export const options = { stages: [{ duration: '700ms', target: 4 }, { duration: '500ms', target: 0 }] };
export default async function () { active.add(exec.instance.vusActive); await sleep(0.05); }`);
    const result = await runScript(path);
    expect(result.outcome, result.detail).to.equal('ok');
    expect(values(result, 'vus_max').value).to.equal(4);
    expect(values(result, 'active').max).to.be.within(2, 4);
    expect(values(result, 'iterations').count).to.be.greaterThan(10);
  });

  it('constant-arrival-rate starts rate x duration + 1 iterations, as k6 does', async () => {
    const result = await runScript(
      script({ scenarios: { a: { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '1s', preAllocatedVUs: 5 } } }),
    );
    expect(result.outcome).to.equal('ok');
    // Due times are counted, not timed, so late timers start a burst but never skip one;
    // k6 also starts the one due at the end (test/fixtures/k6-0.49/more: 20/s for 2 s ran 41).
    expect(values(result, 'iterations').count).to.equal(51);
    expect(result.summary?.metrics.dropped_iterations).to.equal(undefined);
  });

  it('ramping-arrival-rate integrates its ramp', async () => {
    const result = await runScript(
      script({
        scenarios: { r: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 5, stages: [{ duration: '1s', target: 100 }] } },
      }),
    );
    // 0 -> 100/s over 1 s is 50 arrivals.
    expect(values(result, 'iterations').count).to.be.within(45, 51);
  });

  it('counts arrivals that find no free VU in dropped_iterations', async () => {
    const result = await runScript(
      script(
        { scenarios: { a: { executor: 'constant-arrival-rate', rate: 20, duration: '1s', preAllocatedVUs: 1, maxVUs: 2, gracefulStop: '2s' } } },
        'await sleep(0.5);',
      ),
    );
    const done = values(result, 'iterations').count;
    const dropped = values(result, 'dropped_iterations').count;
    expect(dropped).to.be.greaterThan(5);
    expect(done + dropped).to.be.within(20, 21);
    expect(values(result, 'vus_max').value).to.equal(2);
  });

  it('drops an arrival that finds no free VU even below maxVUs and adds VUs one at a time in the background, warning once at maxVUs, as k6 does', async () => {
    // 20/s for 1 s: an arrival every 50 ms, 21 in all, and each iteration outlasts the run,
    // so every VU takes one arrival. k6 (lib/executor): the arrival at 0 ms runs on the
    // pre-allocated VU; the one at 50 ms finds none, is dropped and asks for one more VU,
    // which takes the arrival at 100 ms; and so on, so the fifth VU starts at 400 ms and 16
    // arrivals are dropped. Creating a VU on demand instead ran the first five at 0-200 ms.
    // A late timer only delays the fifth start further (arrivals due together find one VU).
    const warnings: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      warnings.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let result: Awaited<ReturnType<typeof runScript>>;
    try {
      result = await runScript(
        script(
          { scenarios: { a: { executor: 'constant-arrival-rate', rate: 20, duration: '1s', preAllocatedVUs: 1, maxVUs: 5, gracefulStop: '3s' } } },
          'started.add(Date.now() - exec.scenario.startTime); await sleep(1.3);',
          "import { Trend } from 'k6/metrics';\nconst started = new Trend('started');",
        ),
      );
    } finally {
      process.stderr.write = write;
    }
    expect(values(result, 'vus_max').value).to.equal(5);
    expect(values(result, 'iterations').count + values(result, 'dropped_iterations').count).to.equal(21);
    expect(values(result, 'iterations').count).to.equal(5);
    expect(values(result, 'started').max).to.be.at.least(350);
    expect(warnings.filter((line) => line.includes('Insufficient VUs'))).to.deep.equal(['WARN[0000] Insufficient VUs, reached 5 active VUs and cannot initialize more  executor=constant-arrival-rate scenario=a\n']);
  });

  it('starts each arrival on the VU idle longest, so every pre-allocated VU takes its turn, as k6 does', async () => {
    // 10/s for 1 s is 11 arrivals 100 ms apart, and an iteration takes well under 100 ms,
    // so one VU could carry them all. k6 hands arrivals to its idle VUs first come first
    // served (one unbuffered Go channel): VUs 1, 2, 3, 1, 2, 3, ... run 4, 4 and 3 of them,
    // and each VU opens its own connection. The most recently idle VU took all 11 before.
    const result = await runScript(
      script(
        {
          scenarios: { a: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 3, maxVUs: 3 } },
          thresholds: { 'ran{vu:1}': ['count==4'], 'ran{vu:2}': ['count==4'], 'ran{vu:3}': ['count==3'] },
        },
        'ran.add(1, { vu: String(exec.vu.idInTest) });',
        "import { Counter } from 'k6/metrics';\nconst ran = new Counter('ran');",
      ),
    );
    expect(result.outcome, JSON.stringify(result.summary?.metrics.ran)).to.equal('ok');
    expect(values(result, 'iterations').count).to.equal(11);
  });

  it('runs several scenarios with startTime, exec, env and tags', async () => {
    const path = fixture.dir.script(`import { Counter } from 'k6/metrics';
import exec from 'k6/execution';
const late = new Counter('late');
export const options = {
  scenarios: {
    first: { executor: 'shared-iterations', iterations: 3, env: { WHO: 'first' }, tags: { team: 'a' } },
    second: { executor: 'per-vu-iterations', vus: 2, iterations: 1, exec: 'other', startTime: '300ms', env: { WHO: 'second' } },
  },
  thresholds: { 'iterations{team:a}': ['count==3'], 'iterations{scenario:second}': ['count==2'], 'late{who:second}': ['count==2'] },
};
export default function () { if (__ENV.WHO !== 'first') throw new Error('env'); }
export function other() {
  if (exec.scenario.name !== 'second') throw new Error('scenario name');
  late.add(exec.instance.currentTestRunDuration >= 290 ? 1 : 0, { who: __ENV.WHO });
}`);
    const result = await runScript(path);
    expect(result.outcome, result.detail).to.equal('ok');
    expect(values(result, 'iterations').count).to.equal(5);
  });

  it('interrupts iterations still running after gracefulStop', async () => {
    const started = Date.now();
    const result = await runScript(script({ scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '200ms', gracefulStop: '100ms' } } }, 'await sleep(10);'));
    expect(Date.now() - started).to.be.lessThan(3000);
    expect(result.outcome).to.equal('ok');
    expect(result.summary?.metrics.iterations).to.equal(undefined);
  });

  it('runs setup and teardown once and passes setup data to every VU', async () => {
    const port = await closedPort();
    const path = fixture.dir.script(`import { Counter } from 'k6/metrics';
const got = new Counter('got');
export const options = { vus: 2, iterations: 4 };
export function setup() { return { value: 21, port: ${port} }; }
export default function (data) { got.add(data.value * 2 === 42 ? 1 : 0); }
export function teardown(data) { if (data.value !== 21) throw new Error('teardown data'); }`);
    const result = await runScript(path);
    expect(result.outcome, result.detail).to.equal('ok');
    expect(values(result, 'got').count).to.equal(4);
  });
});

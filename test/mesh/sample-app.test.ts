/**
 * The sample app behind every workload replica: behaviour from the workload's env
 * (failures, latency, hangs, resets, slow start), drawn from a seeded stream so two runs
 * with the same seed answer the same way.
 */
import { expect } from 'chai';
import { SampleApp, sampleLatencyMs } from '../../harness/mesh/apps/sample-app.ts';
import { createRandom, streamFor } from '../../harness/mesh/shared/random.ts';
import { behaviour, getDirect, many, rawHttpExchange } from './helpers.ts';

async function withApp<T>(b: Parameters<typeof behaviour>[0], seed: number, run: (url: string, app: SampleApp) => Promise<T>): Promise<T> {
  const app = new SampleApp('appflaky-0.retryns', behaviour(b), streamFor(seed, 'appflaky-0.retryns/app'));
  await app.start();
  try {
    return await run(`http://127.0.0.1:${app.port}`, app);
  } finally {
    await app.stop();
  }
}

describe('sample app', function () {
  this.timeout(20_000);

  it('the same seed gives the same sequence of answers; another seed a different one', async () => {
    const statuses = (seed: number) => withApp({ failureRate: 0.5 }, seed, (url) => many(40, 1, async () => (await getDirect(url, '/unstable-endpoint')).status));
    const first = await statuses(1);
    expect(await statuses(1)).to.deep.equal(first);
    expect(await statuses(2)).to.not.deep.equal(first);
    expect(first.filter((s) => s === 500).length).to.be.within(8, 32);
  });

  it('failureStatus is what failing requests get; any path answers', async () => {
    await withApp({ failureRate: 1, failureStatus: 503 }, 1, async (url) => {
      const reply = await getDirect(url, '/any/path?x=1');
      expect(reply.status).to.equal(503);
      expect(JSON.parse(reply.body)).to.include({ status: 'simulated failure', path: '/any/path?x=1' });
    });
  });

  it('resetRate 1 closes the connection without an answer', async () => {
    await withApp({ resetRate: 1 }, 1, async (url, app) => {
      const exchange = await rawHttpExchange(url, '/x');
      expect(exchange.received).to.equal('');
      expect(app.stats.snapshot()['app.resets_total']).to.equal(1);
    });
  });

  it('hangRate 1 never answers, and stop() still closes the hung connection', async () => {
    const app = new SampleApp('hang', behaviour({ hangRate: 1 }), createRandom(1));
    await app.start();
    const exchange = rawHttpExchange(`http://127.0.0.1:${app.port}`, '/x');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(app.stats.snapshot()['app.hangs_total']).to.equal(1);
    await app.stop();
    expect((await exchange).received).to.equal('');
  });

  it('latency specs: fixed, uniform within bounds, normal never negative', () => {
    const random = createRandom(4);
    expect(sampleLatencyMs({ kind: 'fixed', ms: 7 }, random)).to.equal(7);
    for (let i = 0; i < 200; i++) {
      expect(sampleLatencyMs({ kind: 'uniform', minMs: 10, maxMs: 20 }, random)).to.be.within(10, 20);
      expect(sampleLatencyMs({ kind: 'normal', meanMs: 1, stddevMs: 5 }, random)).to.be.at.least(0);
    }
  });

  it('slow start adds latency that fades after durationMs', async () => {
    // Wide margins: 1.5 s of extra latency at start against a 400 ms bound, so load on the machine cannot flip it.
    await withApp({ slowStart: { durationMs: 600, extraMs: 1500 } }, 1, async (url) => {
      let started = Date.now();
      await getDirect(url, '/x');
      expect(Date.now() - started).to.be.at.least(400);
      await new Promise((resolve) => setTimeout(resolve, 100));
      started = Date.now();
      await getDirect(url, '/x');
      expect(Date.now() - started).to.be.below(400);
    });
  });
});

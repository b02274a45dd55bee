/**
 * A cell split over N runners: the shipped scenario on N embedded runs with equal
 * execution segments, merged into one summary (written where the cell's summary goes,
 * each runner's beside it), with progress per runner, and a runner that dies named in
 * the cell's detail while the others still count.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CounterValues, K6SummaryData } from '../../harness/model/k6-summary.ts';
import { bundleScenario } from '../../harness/runners/bundle-scenario.ts';
import { createEmbeddedRunner } from '../../harness/runners/embedded/embedded-runner.ts';
import type { RunProgress, Runner } from '../../harness/runners/runner.ts';
import { createSplitRunner, runnerSummaryPath } from '../../harness/runners/split-runner.ts';
import { startServer, TempDir, type TestServer } from './embedded/helpers.ts';

describe('a cell split over several runners', function () {
  this.timeout(60_000);
  let dir: TempDir;
  let server: TestServer;
  let bundle: string;

  before(async () => {
    dir = new TempDir();
    server = await startServer((_req, res) => setTimeout(() => res.end('ok'), 2));
    bundle = await bundleScenario('unstable-endpoint');
  });
  after(async () => {
    dir.remove();
    await server.close();
  });

  const request = (summaryPath: string, onProgress?: (p: RunProgress) => void) => ({
    bundlePath: bundle,
    env: { ENDPOINT_URL: `${server.url}/unstable-endpoint`, RATE: '30', DURATION: '2s', PRE_ALLOCATED_VUS: '3', MAX_VUS: '9' },
    tags: { stage: 'split', vantage: 'in-mesh' },
    summaryPath,
    onProgress,
  });

  it('sends the unsplit request count, merged, with every runner\'s progress and summary kept', async () => {
    const summaryPath = join(dir.path, 'summary.json');
    const progress: RunProgress[] = [];
    const result = await createSplitRunner(createEmbeddedRunner({ worker: true }), 3).run(request(summaryPath, (p) => progress.push(p)));
    expect(result.outcome, result.detail).to.equal('ok');
    // 30/s for 2 s: 61 arrivals, k6's rate × duration + 1, striped over three thirds.
    expect((result.summary!.metrics.http_reqs.values as CounterValues).count).to.equal(61);
    expect(result.distribution?.contributed).to.deep.equal(['runner-1', 'runner-2', 'runner-3']);
    expect(result.distribution?.percentiles.method).to.equal('latency-buckets');
    expect(result.detail).to.match(/^3 of 3 runners contributed; started together \(each paused until all were ready, \d+\.\d s from first to last\); percentiles from merged latency buckets .* within 4\.53% \+ 0\.0625 ms/);
    const written = JSON.parse(readFileSync(summaryPath, 'utf8')) as K6SummaryData;
    expect((written.metrics.http_reqs.values as CounterValues).count).to.equal(61);
    const perRunner = [0, 1, 2].map((i) => JSON.parse(readFileSync(runnerSummaryPath(summaryPath, i), 'utf8')) as K6SummaryData);
    expect(perRunner.map((s) => (s.metrics.http_reqs.values as CounterValues).count)).to.deep.equal([21, 20, 20]);
    const last = progress.at(-1)!;
    expect(last.runners?.map((r) => r.name)).to.deep.equal(['runner-1', 'runner-2', 'runner-3']);
    expect(last.runners?.every((r) => r.started)).to.equal(true);
  });

  it('starts no runner\'s load before the slowest runner is ready, as paused k6 instances resumed together', async () => {
    const embedded = createEmbeddedRunner({ worker: true });
    // runner-3 is ready a second later (a pod still pulling its image, say).
    const slowToStart: Runner = {
      ...embedded,
      run: async (req) => {
        if (req.executionSegment === '2/3:1') await new Promise((resolve) => setTimeout(resolve, 1000));
        return embedded.run(req);
      },
    };
    const arrivals: number[] = [];
    const counting = await startServer((_req, res) => {
      arrivals.push(performance.now());
      res.end('ok');
    });
    try {
      const started = performance.now();
      const result = await createSplitRunner(slowToStart, 3).run({ ...request(join(dir.path, 'slow.json')), env: { ...request('').env, ENDPOINT_URL: `${counting.url}/` } });
      expect(result.outcome, result.detail).to.equal('ok');
      expect(result.distribution?.start?.together).to.equal(true);
      // Without the barrier the first two runners would send from about 0.2 s on.
      expect(Math.min(...arrivals) - started).to.be.at.least(1000);
    } finally {
      await counting.close();
    }
  });

  it('names a runner that died and merges the rest', async () => {
    const embedded = createEmbeddedRunner({ worker: false });
    const flaky: Runner = {
      ...embedded,
      run: (req) => (req.executionSegment === '1/3:2/3' ? Promise.reject(new Error('runner pod OOMKilled')) : embedded.run(req)),
    };
    const summaryPath = join(dir.path, 'dead.json');
    const result = await createSplitRunner(flaky, 3).run(request(summaryPath));
    expect(result.distribution?.missing).to.deep.equal([{ name: 'runner-2', reason: 'runner pod OOMKilled' }]);
    expect(result.detail).to.include('2 of 3 runners contributed').and.include('runner-2 missing (runner pod OOMKilled)');
    expect((result.summary!.metrics.http_reqs.values as CounterValues).count).to.equal(41);
    expect(existsSync(runnerSummaryPath(summaryPath, 1))).to.equal(false);
  });
});

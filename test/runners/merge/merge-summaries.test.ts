/**
 * Merging runners' summaries: the shape of one runner's, exact counts, thresholds judged
 * on the merged data, percentiles within the latency buckets' stated bound of those all
 * samples give (a proof, not a statistical interval: the data are seeded and the bound
 * holds for every sample set), and runners that died.
 */
import { expect } from 'chai';
import { createRandom, normalSample } from '../../../harness/mesh/shared/random.ts';
import type { CounterValues, RateValues, TrendValues } from '../../../harness/model/k6-summary.ts';
import { PERCENTILE_ERROR } from '../../../harness/model/latency-histogram.ts';
import { mergeSummaries } from '../../../harness/runners/merge/merge-summaries.ts';
import { k6Percentile, summaryFrom } from './summary-builder.ts';

/** Log-normal latencies (median 20 ms, heavy tail) and 3% failures, seeded. */
function samples(seed: number, n: number): { durations: number[]; failed: boolean[] } {
  const random = createRandom(seed);
  const durations = Array.from({ length: n }, () => 20 * Math.exp(normalSample(random)));
  return { durations, failed: durations.map(() => random() < 0.03) };
}

/** Deals samples to `parts` runners at random, as striped iterations land on them. */
function deal(seed: number, all: { durations: number[]; failed: boolean[] }, parts: number) {
  const random = createRandom(seed);
  const split = Array.from({ length: parts }, () => ({ durations: [] as number[], failed: [] as boolean[] }));
  all.durations.forEach((d, i) => {
    const part = split[Math.floor(random() * parts)];
    part.durations.push(d);
    part.failed.push(all.failed[i]);
  });
  return split;
}

describe('merging runner summaries', () => {
  const all = samples(7, 20_000);
  const whole = summaryFrom({ ...all, durationMs: 60_000 });
  const runners = deal(11, all, 4).map((part, i) => ({ name: `runner-${i + 1}`, summary: summaryFrom({ ...part, durationMs: 60_000 - i * 10 }) }));
  const { summary, info } = mergeSummaries(runners);

  it('has the shape of a single runner\'s summary', () => {
    expect(summary).to.not.equal(undefined);
    expect(Object.keys(summary!)).to.deep.equal(Object.keys(whole));
    expect(Object.keys(summary!.metrics).sort()).to.deep.equal(Object.keys(whole.metrics).sort());
    for (const [name, metric] of Object.entries(whole.metrics)) {
      const merged = summary!.metrics[name];
      expect(merged.type, name).to.equal(metric.type);
      expect(Object.keys(merged.values), name).to.deep.equal(Object.keys(metric.values));
      expect(Object.keys(merged.thresholds ?? {}), name).to.deep.equal(Object.keys(metric.thresholds ?? {}));
    }
    expect(summary!.options).to.deep.equal(whole.options);
    expect(summary!.state.testRunDurationMs).to.equal(60_000);
  });

  it('adds counts, rates, checks and buckets up exactly; min and max exact, avg weighted', () => {
    const count = (name: string) => (summary!.metrics[name].values as CounterValues).count;
    expect(count('http_reqs')).to.equal(20_000);
    expect(count('http_reqs{status:500}')).to.equal((whole.metrics['http_reqs{status:500}'].values as CounterValues).count);
    expect((summary!.metrics.http_reqs.values as CounterValues).rate).to.be.closeTo(20_000 / 60, 1e-9);
    expect(summary!.metrics.http_req_failed.values).to.deep.equal(whole.metrics.http_req_failed.values);
    expect(summary!.root_group.checks).to.deep.equal(whole.root_group.checks);
    const merged = summary!.metrics.http_req_duration.values as TrendValues;
    const exact = whole.metrics.http_req_duration.values as TrendValues;
    expect(merged.count).to.equal(20_000);
    expect(merged.min).to.equal(exact.min);
    expect(merged.max).to.equal(exact.max);
    expect(merged.avg).to.be.closeTo(exact.avg, 1e-9 * exact.avg);
    expect((summary!.metrics.vus_max.values as { value: number }).value).to.equal(20);
    expect(info.contributed).to.deep.equal(['runner-1', 'runner-2', 'runner-3', 'runner-4']);
  });

  it(`percentiles come from the merged buckets, within ${(PERCENTILE_ERROR.relative * 100).toFixed(2)}% + ${PERCENTILE_ERROR.absoluteMs} ms of all samples'`, () => {
    const sorted = [...all.durations].sort((a, b) => a - b);
    const merged = summary!.metrics.http_req_duration.values as TrendValues;
    for (const [column, p] of [['med', 50], ['p(90)', 90], ['p(95)', 95], ['p(99)', 99]] as const) {
      const exact = k6Percentile(sorted, p);
      expect(Math.abs(merged[column] - exact), `${column}: ${merged[column]} vs ${exact}`).to.be.at.most(PERCENTILE_ERROR.relative * exact + PERCENTILE_ERROR.absoluteMs);
    }
    expect(info.percentiles.method).to.equal('latency-buckets');
    expect(info.upperBoundTrends).to.deep.equal([]);
  });

  it('the bound holds for every percentile of many seeded distributions, including sub-millisecond ones', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const scale = [0.05, 1, 30, 2000][seed % 4];
      const random = createRandom(seed);
      const durations = Array.from({ length: 500 + seed * 37 }, () => scale * Math.exp(1.5 * normalSample(random)));
      const parts = deal(seed, { durations, failed: durations.map(() => false) }, 3);
      const merged = mergeSummaries(parts.map((part, i) => ({ name: `r${i}`, summary: summaryFrom({ ...part, durationMs: 1000 }) }))).summary!;
      const values = merged.metrics.http_req_duration.values as TrendValues;
      const sorted = [...durations].sort((a, b) => a - b);
      for (const [column, p] of [['med', 50], ['p(90)', 90], ['p(95)', 95], ['p(99)', 99]] as const) {
        const exact = k6Percentile(sorted, p);
        expect(Math.abs(values[column] - exact), `seed ${seed} ${column}`).to.be.at.most(PERCENTILE_ERROR.relative * exact + PERCENTILE_ERROR.absoluteMs);
      }
    }
  });

  it('re-evaluates thresholds on the merged data, not per runner', () => {
    // Runner a fails rate<0.05 (6 of 100), runner b passes it (0 of 900): together 0.6%.
    const ok = (n: number, bad: number) => ({ durations: Array.from({ length: n }, () => 10), failed: Array.from({ length: n }, (_, i) => i < bad), durationMs: 1000 });
    const merged = mergeSummaries([
      { name: 'a', summary: summaryFrom(ok(100, 6)) },
      { name: 'b', summary: summaryFrom(ok(900, 0)) },
    ]).summary!;
    expect((merged.metrics.http_req_failed.values as RateValues).rate).to.equal(0.006);
    expect(merged.metrics.http_req_failed.thresholds?.['rate<0.05'].ok).to.equal(true);
    // And the merged rate decides when one runner passes and one fails: 14 of 110 fail.
    const both = mergeSummaries([
      { name: 'a', summary: summaryFrom(ok(100, 4)) },
      { name: 'b', summary: summaryFrom(ok(10, 10)) },
    ]).summary!;
    expect(both.metrics.http_req_failed.thresholds?.['rate<0.05'].ok).to.equal(false);
  });

  it('a runner that died is named with its reason and the rest still merge', () => {
    const result = mergeSummaries([...runners.slice(0, 3), { name: 'runner-4', failure: 'pod OOMKilled after 41 s' }]);
    expect(result.info.runners).to.equal(4);
    expect(result.info.contributed).to.deep.equal(['runner-1', 'runner-2', 'runner-3']);
    expect(result.info.missing).to.deep.equal([{ name: 'runner-4', reason: 'pod OOMKilled after 41 s' }]);
    const expected = runners.slice(0, 3).reduce((n, r) => n + (r.summary.metrics.http_reqs.values as CounterValues).count, 0);
    expect((result.summary!.metrics.http_reqs.values as CounterValues).count).to.equal(expected);
    expect(mergeSummaries([{ name: 'only', failure: 'never started' }]).summary).to.equal(undefined);
  });

  it('without buckets from every runner, percentiles are the highest runner\'s, flagged as an upper bound', () => {
    const parts = deal(3, all, 2);
    const result = mergeSummaries([
      { name: 'a', summary: summaryFrom({ ...parts[0], durationMs: 1000 }) },
      { name: 'b', summary: summaryFrom({ ...parts[1], durationMs: 1000, buckets: false }) },
    ]);
    expect(result.info.percentiles.method).to.equal('upper-bound');
    expect(result.info.upperBoundTrends).to.deep.equal(['http_req_duration']);
    const p95 = (result.summary!.metrics.http_req_duration.values as TrendValues)['p(95)'];
    expect(p95).to.equal(Math.max(...result.info.contributed.map((_, i) => k6Percentile([...parts[i].durations].sort((x, y) => x - y), 95))));
  });
});

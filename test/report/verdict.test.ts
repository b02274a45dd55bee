import { expect } from 'chai';
import { buildReport } from '../../harness/report/build/build-report.ts';
import type { CellReport } from '../../harness/report/report-types.ts';
import { clientCounters, removeRunFolders, writeRunFolder } from './run-folder-fixture.ts';

const causeCodes = (cell: CellReport) => cell.likelyCauses.map((cause) => cause.code);

describe('report verdicts', () => {
  after(removeRunFolders);
  it('as-configured when the prediction lies in the observed interval; deviations do not fail the run', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 'no-policy' }, { name: 'retries-10' }],
      cells: [
        { stage: 'no-policy', vantage: 'in-mesh', statuses: { '200': 252, '500': 248 }, prediction: { modelled: true, successProbability: 0.5 } },
        { stage: 'no-policy', vantage: 'external', statuses: { '200': 247, '500': 253 }, prediction: { modelled: true, successProbability: 0.5 } },
        // The seed lab: attempts 10 without retryOn does not retry 500s. The model said 1 − 0.5^11.
        {
          stage: 'retries-10',
          vantage: 'in-mesh',
          statuses: { '200': 249, '500': 251 },
          proxy: clientCounters({ upstream_rq_total: 500, upstream_rq_retry: 0 }),
          prediction: { modelled: true, successProbability: 1 - 0.5 ** 11 },
        },
        { stage: 'retries-10', vantage: 'external', statuses: { '200': 255, '500': 245 }, prediction: { modelled: true, successProbability: 0.5 } },
      ],
    });
    const report = await buildReport(dir);
    const [a, b, deviating, d] = report.cells;
    expect(a.verdict).to.equal('as-configured');
    expect(b.verdict).to.equal('as-configured');
    expect(d.verdict).to.equal('as-configured');
    expect(deviating.verdict).to.equal('deviates');
    expect(deviating.verdictReasons[0]).to.match(/success rate predicted 99\.95%, observed 49\.80%/);
    expect(causeCodes(deviating)).to.include.members(['no-retries', 'policy-not-applied']);
    expect(deviating.likelyCauses.find((c) => c.code === 'no-retries')?.evidence).to.match(/upstream_rq_retry 0 with 251 failed requests \(251 × 500\)/);
    expect(report.passed).to.equal(true);
    expect(report.totals).to.include({ asConfigured: 3, deviates: 1 });
  });

  it('points at a bypassed sidecar when the client proxy saw no traffic', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 'retry-5xx' }],
      cells: [
        {
          stage: 'retry-5xx',
          vantage: 'in-mesh',
          statuses: { '200': 100, '500': 100 },
          proxy: clientCounters({ upstream_rq_total: 0 }),
          prediction: { modelled: true, successProbability: 0.999 },
        },
      ],
    });
    const cell = (await buildReport(dir)).cells[0];
    expect(cell.verdict).to.equal('deviates');
    expect(causeCodes(cell)).to.include('bypassed-sidecar');
    expect(causeCodes(cell)).not.to.include('no-retries');
  });

  it('names unconfirmed propagation, exhausted retries and better-than-predicted outcomes from the data', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 'unconfirmed', configVersion: undefined }, { name: 'lucky' }],
      cells: [
        {
          stage: 'unconfirmed',
          vantage: 'in-mesh',
          statuses: { '200': 300, '503': 200 },
          proxy: clientCounters({ upstream_rq_total: 900, upstream_rq_retry: 400, upstream_rq_retry_limit_exceeded: 200 }),
          prediction: { modelled: true, successProbability: 0.97 },
        },
        { stage: 'lucky', vantage: 'in-mesh', statuses: { '200': 500 }, prediction: { modelled: true, successProbability: 0.8 } },
      ],
    });
    const [unconfirmed, lucky] = (await buildReport(dir)).cells;
    expect(causeCodes(unconfirmed)).to.include.members(['config-not-propagated', 'retries-exhausted']);
    expect(lucky.verdict).to.equal('deviates');
    expect(causeCodes(lucky)).to.deep.equal(['better-than-predicted']);
  });

  it('expectation-failed lists every failed bound and beats the model', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 's' }],
      cells: [
        {
          stage: 's',
          vantage: 'in-mesh',
          statuses: { '200': 90, '503': 10 },
          latency: { 'p(95)': 250, 'p(99)': 400 },
          expectation: { errorRate: { max: 0.05 }, networkErrorRate: { max: 0.01 }, latencyMs: { p95: 200, p99: 500 } },
          prediction: { modelled: true, successProbability: 0.9 },
          accessLog: Array.from({ length: 10 }, () => ({ status: 503, flags: 'UO' })),
        },
      ],
    });
    const report = await buildReport(dir);
    const cell = report.cells[0];
    expect(cell.verdict).to.equal('expectation-failed');
    expect(cell.verdictReasons).to.deep.equal(['error rate 10.00% above expected max 5.00%', 'p95 latency 250.0 ms above expected max 200 ms']);
    expect(cell.checks.filter((check) => check.passed).map((check) => check.metric)).to.deep.equal(['networkErrorRate', 'latencyMs.p99']);
    expect(causeCodes(cell)).to.include('circuit-breaker-overflow');
    expect(report.passed).to.equal(false);
  });

  it('a bound on an unmeasurable metric fails as not checked', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 's' }],
      cells: [{ stage: 's', vantage: 'external', statuses: { '200': 10 }, noBreakdown: true, expectation: { networkErrorRate: { max: 0 }, errorRate: { min: 0 } } }],
    });
    const cell = (await buildReport(dir)).cells[0];
    expect(cell.verdict).to.equal('expectation-failed');
    expect(cell.verdictReasons).to.have.length(1);
    expect(cell.verdictReasons[0]).to.match(/^network error rate <= 0\.00% not checked: .*breakdownThresholds/);
  });

  it('not-modelled without a prediction or without a closed form; bounds are checked by overlap', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 's' }],
      vantages: ['in-mesh', 'external', 'gateway'],
      cells: [
        { stage: 's', vantage: 'in-mesh', statuses: { '200': 10 } },
        { stage: 's', vantage: 'external', statuses: { '200': 10 }, prediction: { modelled: false } },
        { stage: 's', vantage: 'gateway', statuses: { '200': 70, '503': 30 }, prediction: { modelled: true, successBounds: { min: 0.6, max: 0.8 } } },
      ],
    });
    const [none, open, bounded] = (await buildReport(dir)).cells;
    expect(none.verdict).to.equal('not-modelled');
    expect(open.verdict).to.equal('not-modelled');
    expect(bounded.verdict).to.equal('as-configured');
    expect(bounded.predictionChecks[0].predicted).to.deep.equal({ min: 0.6, max: 0.8 });
  });

  it('checks a predicted network-error probability (mTLS STRICT vs plaintext)', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 'strict' }],
      cells: [
        {
          stage: 'strict',
          vantage: 'external',
          statuses: { '0': 200 },
          errorCodes: { '1000': 150, '1220': 50 },
          prediction: { modelled: true, successProbability: 0, networkErrorProbability: 1 },
          expectation: { networkErrorRate: { min: 0.99 } },
        },
      ],
    });
    const cell = (await buildReport(dir)).cells[0];
    expect(cell.verdict).to.equal('as-configured');
    expect(cell.predictionChecks.map((check) => check.metric)).to.deep.equal(['successRate', 'networkErrorRate']);
    expect(cell.failures.connectionFailures.value).to.equal(200);
  });
});

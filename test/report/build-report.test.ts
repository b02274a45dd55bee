import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { UserError } from '../../harness/errors/user-error.ts';
import { buildReport } from '../../harness/report/build/build-report.ts';
import { REPORT_SCHEMA } from '../../harness/report/report-types.ts';
import { clientCounters, removeRunFolders, writeRunFolder } from './run-folder-fixture.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const REAL_SUMMARY = path.resolve(here, '../fixtures/k6-0.49/handle-summary-data.json');

describe('buildReport', () => {
  after(removeRunFolders);
  it('reads counts, rates, latency and load from a real k6 v0.49 summary', async function () {
    if (!existsSync(REAL_SUMMARY)) this.skip();
    const dir = await writeRunFolder({ stages: [{ name: 'baseline' }], cells: [{ stage: 'baseline', vantage: 'in-mesh', statuses: { '200': 1 }, rate: 100, durationSeconds: 2 }] });
    const run = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    await copyFile(REAL_SUMMARY, path.join(dir, run.cells[0].files.summary));
    const report = await buildReport(dir);
    const cell = report.cells[0];
    expect(cell.requests.value).to.equal(221);
    expect(cell.errorRate.value).to.deep.include({ count: 117, total: 221 });
    expect(cell.latencyMs.p50.value).to.equal(0.422475);
    expect(cell.latencyMs.p99.value).to.be.closeTo(14.3291316, 1e-6);
    expect(cell.load.achievedRate.value).to.be.closeTo(110.42186775, 1e-6);
    expect(cell.load.achievedRatio.value).to.be.closeTo(1.1042186775, 1e-6);
    // The real fixture's script did not export breakdown thresholds: say so, never 0.
    expect(cell.failures.byStatus.value).to.equal(null);
    expect(cell.failures.timeouts).to.have.property('reason').that.matches(/breakdownThresholds/);
    expect(cell.networkErrorRate.value).to.equal(null);
  });

  it('splits failures by cause from summary, access log and proxy counters', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 'chaos' }],
      cells: [
        {
          stage: 'chaos',
          vantage: 'in-mesh',
          statuses: { '200': 400, '500': 40, '503': 30, '0': 30 },
          errorCodes: { '1050': 10, '1212': 15, '1220': 5 },
          droppedIterations: 7,
          rate: 50,
          durationSeconds: 10,
          proxy: clientCounters(
            { upstream_rq_total: 520, upstream_rq_retry: 20, upstream_rq_retry_success: 12, upstream_rq_retry_limit_exceeded: 8, upstream_rq_pending_overflow: 9, 'outlier_detection.ejections_enforced_total': 2 },
            { 'http.outbound_0.0.0.0_80.fault.aborts_injected': 6, 'cluster.outbound|80||other.ns.svc.cluster.local.upstream_rq_retry': 999 },
          ),
          accessLog: [
            { status: 503, flags: 'UO' },
            { status: 503, flags: 'UO' },
            { status: 503, flags: 'FI' },
            { status: 503, flags: 'UH' },
            { status: 500, flags: 'URX,UF' },
            { status: 200, flags: '-' },
          ],
        },
      ],
    });
    const cell = (await buildReport(dir)).cells[0];
    expect(cell.requests.value).to.equal(500);
    expect(cell.successes.value).to.equal(400);
    expect(cell.failures.total.value).to.equal(100);
    expect(cell.failures.byStatusClass.value).to.deep.equal({ '2xx': 400, '5xx': 70, network: 30 });
    expect(cell.failures.unlistedStatus.value).to.equal(0);
    expect(cell.failures.timeouts.value).to.equal(10);
    expect(cell.failures.connectionFailures.value).to.equal(20);
    expect(cell.failures.connectionFailuresByCode.value).to.deep.equal({ '1000': 0, '1211': 0, '1212': 15, '1220': 5 });
    expect(cell.failures.overflow503).to.deep.equal({ value: 2, source: 'access log flag UO' });
    expect(cell.failures.injectedAborts.value).to.equal(1);
    expect(cell.failures.noHealthyUpstream.value).to.equal(1);
    expect(cell.networkErrorRate.value).to.deep.include({ count: 30, total: 500 });
    expect(cell.errorRate.value?.rate).to.equal(0.2);
    expect(cell.errorRate.value?.lower).to.be.lessThan(0.2);
    expect(cell.errorRate.value?.upper).to.be.greaterThan(0.2);
    // Only the destination's clusters are summed; the other host's 999 retries are not.
    expect(cell.proxy.counters.retries.value).to.equal(20);
    expect(cell.proxy.counters.retrySuccesses.value).to.equal(12);
    expect(cell.proxy.counters.retryLimitExceeded.value).to.equal(8);
    expect(cell.proxy.counters.pendingOverflows.value).to.equal(9);
    expect(cell.proxy.counters.ejections.value).to.equal(2);
    expect(cell.proxy.counters.faultAbortsInjected.value).to.equal(6);
    expect(cell.proxy.counters.perTryTimeouts.value).to.equal(0);
    expect(cell.proxy.clusters).to.deep.equal(['outbound|80||appflaky.retryns.svc.cluster.local']);
    expect(cell.accessLog.flags).to.deep.equal({ UO: 2, FI: 1, UH: 1, URX: 1, UF: 1 });
    expect(cell.load.droppedIterations.value).to.equal(7);
    expect(cell.load.targetRate).to.equal(50);
    expect(cell.latencyMs.p50.value).to.equal(10.2);
    expect(cell.latencyMs.p95.value).to.equal(30.1);
  });

  it('falls back to proxy counters without an access log, and says null with a reason without either', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 's' }],
      cells: [
        { stage: 's', vantage: 'in-mesh', statuses: { '200': 10, '503': 2 }, proxy: clientCounters({ upstream_rq_pending_overflow: 2 }) },
        { stage: 's', vantage: 'external', statuses: { '200': 10 }, proxy: { unavailable: 'cluster without the stats annotation' } },
      ],
    });
    const [withCounters, without] = (await buildReport(dir)).cells;
    expect(withCounters.failures.overflow503).to.deep.equal({ value: 2, source: 'proxy counter upstream_rq_pending_overflow' });
    expect(withCounters.failures.noHealthyUpstream.value).to.equal(null);
    expect(without.proxy.available).to.equal(false);
    expect(without.proxy.counters.retries).to.deep.equal({ value: null, reason: 'proxy stats unavailable: cluster without the stats annotation' });
    expect(without.failures.injectedAborts.value).to.equal(null);
    expect((without.failures.injectedAborts as { reason: string }).reason).to.match(/no access log/);
  });

  it('treats hidden outbound stats as unmeasured, not zero', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 's' }],
      cells: [{ stage: 's', vantage: 'in-mesh', statuses: { '200': 10 }, proxy: { 'client-sidecar': { 'server.uptime': 30 } } }],
    });
    const cell = (await buildReport(dir)).cells[0];
    expect(cell.proxy.available).to.equal(true);
    expect(cell.proxy.counters.retries.value).to.equal(null);
    expect((cell.proxy.counters.retries as { reason: string }).reason).to.match(/proxyStatsMatcher/);
  });

  it('reports a cell whose engine died as not run, and fails the run, without crashing', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 'broken' }],
      cells: [{ stage: 'broken', vantage: 'in-mesh', statuses: {}, noSummary: true, outcome: 'engine-error', detail: 'k6 exited with signal SIGKILL', proxy: null, expectation: { errorRate: { max: 0.1 } } }],
    });
    const report = await buildReport(dir);
    const cell = report.cells[0];
    expect(cell.verdict).to.equal('not-run');
    expect(cell.execution).to.equal('failed');
    expect(cell.requests.value).to.equal(null);
    expect((cell.requests as { reason: string }).reason).to.match(/SIGKILL/);
    expect(cell.latencyMs.p95.value).to.equal(null);
    expect(cell.proxy.reason).to.match(/no proxy stats/);
    expect(report.passed).to.equal(false);
    expect(report.headline).to.match(/^FAILED/).and.match(/1 cell failed to run/);
  });

  it('lists planned cells an interrupted run never reached', async () => {
    const dir = await writeRunFolder({
      status: 'interrupted',
      error: 'interrupted by SIGINT',
      stages: [{ name: 'one' }, { name: 'two' }],
      cells: [
        { stage: 'one', vantage: 'in-mesh', statuses: { '200': 100 } },
        { stage: 'one', vantage: 'external', statuses: { '200': 50 }, outcome: 'interrupted' },
      ],
    });
    const report = await buildReport(dir);
    expect(report.status).to.equal('interrupted');
    expect(report.missingCells).to.deep.equal([
      { stage: 'two', vantage: 'in-mesh' },
      { stage: 'two', vantage: 'external' },
    ]);
    expect(report.cells[1].execution).to.equal('interrupted');
    expect(report.totals.missing).to.equal(2);
    expect(report.passed).to.equal(false);
    expect(report.headline).to.match(/run interrupted/);
  });

  it('carries plan, options, versions, target, lint, limitations and a fingerprint', async () => {
    const dir = await writeRunFolder({
      planHash: 'sha256:feed',
      engine: { name: 'k6', version: 'v0.49.0' },
      target: { kind: 'kubernetes', kubernetesVersion: 'v1.30.2', istioVersion: '1.22.3' },
      limitations: ['the local mesh has one replica per workload'],
      stages: [{ name: 's', lint: [{ code: 'RB101', severity: 'error', message: 'attempts: 0 with perTryTimeout', stage: 's', location: { file: 'vs.yaml', line: 9 } }] }],
      cells: [{ stage: 's', vantage: 'in-mesh', statuses: { '200': 1 } }],
    });
    const report = await buildReport(dir);
    expect(report.schema).to.equal(REPORT_SCHEMA);
    expect(report.plan.hash).to.equal('sha256:feed');
    expect(report.stages[0].lint[0].code).to.equal('RB101');
    expect(report.limitations).to.deep.equal(['the local mesh has one replica per workload']);
    expect(report.fingerprint).to.deep.equal({
      planHash: 'sha256:feed',
      meshProfile: 'istio-1.24+',
      targetKind: 'local',
      engines: ['k6@v0.49.0'],
      k6Version: 'v0.49.0',
      clusterVersion: 'v1.30.2',
      istioVersion: '1.22.3',
    });
  });

  it('gives user errors with a fix for a missing or foreign run folder', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'rb-empty-'));
    try {
      await buildReport(empty);
      expect.fail('should throw');
    } catch (error) {
      expect(error).to.be.instanceOf(UserError);
      expect((error as UserError).code).to.equal('REPORT_RUN_NOT_FOUND');
      expect((error as UserError).fix).to.be.a('string');
    }
    await writeFile(path.join(empty, 'run.json'), JSON.stringify({ schema: 'something-else@9' }));
    try {
      await buildReport(empty);
      expect.fail('should throw');
    } catch (error) {
      expect((error as UserError).code).to.equal('REPORT_RUN_SCHEMA');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('survives damaged cell files and skips malformed access-log lines', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 's' }],
      cells: [{ stage: 's', vantage: 'in-mesh', statuses: { '200': 5 }, accessLog: [{ flags: 'UO' }] }],
    });
    const run = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    await writeFile(path.join(dir, run.cells[0].files.accessLog), '{"flags":"UO","status":503}\n{"flags":"F');
    await writeFile(path.join(dir, run.cells[0].files.proxyStats), '{ not json');
    const cell = (await buildReport(dir)).cells[0];
    expect(cell.accessLog.entries).to.equal(1);
    expect(cell.accessLog.skippedLines).to.equal(1);
    expect(cell.proxy.available).to.equal(false);
    expect(cell.proxy.reason).to.match(/not valid JSON/);
  });
});

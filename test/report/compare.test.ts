import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { UserError } from '../../harness/errors/user-error.ts';
import { buildReport } from '../../harness/report/build/build-report.ts';
import { compareReports, loadReport, renderComparisonMarkdown, renderComparisonTerminal } from '../../harness/report/compare/compare.ts';
import { writeReports } from '../../harness/report/write-reports.ts';
import { type CellSpec, type RunSpec, sampleStatuses, seededRandom, removeRunFolders, writeRunFolder } from './run-folder-fixture.ts';

/** Two stages × two vantages, each 1000 requests drawn (seeded) at the given failure rates. */
function runSpec(seed: number, rates: Record<string, number>, overrides: Partial<RunSpec> = {}, latencyScale = 1): RunSpec {
  const random = seededRandom(seed);
  const cells: CellSpec[] = Object.entries(rates).map(([key, rate]) => {
    const [stage, vantage] = key.split('/') as [string, CellSpec['vantage']];
    return {
      stage,
      vantage,
      statuses: sampleStatuses(1000, rate, random),
      latency: { med: 10 * latencyScale, 'p(90)': 20 * latencyScale, 'p(95)': 25 * latencyScale, 'p(99)': 50 * latencyScale },
    };
  });
  return { stages: [{ name: 'no-policy' }, { name: 'retry-5xx' }], cells, ...overrides };
}

const BASE_RATES = { 'no-policy/in-mesh': 0.3, 'no-policy/external': 0.3, 'retry-5xx/in-mesh': 0.02, 'retry-5xx/external': 0.3 };

describe('compareReports', () => {
  after(removeRunFolders);
  it('flags a real error-rate regression and leaves sampling noise alone', async () => {
    const baseline = await buildReport(await writeRunFolder(runSpec(1, BASE_RATES, { runId: 'base' })));
    // Same true rates, different seed: differences are sampling noise only.
    const noisy = await buildReport(await writeRunFolder(runSpec(2, BASE_RATES, { runId: 'noise' })));
    // retry-5xx in-mesh goes from 2 % to 10 % failures: retries stopped working.
    const broken = await buildReport(await writeRunFolder(runSpec(3, { ...BASE_RATES, 'retry-5xx/in-mesh': 0.1 }, { runId: 'broken' })));

    const noise = compareReports(baseline, noisy);
    expect(noise.regressed).to.equal(false);
    expect(noise.warnings).to.deep.equal([]);
    expect(noise.cells.flatMap((cell) => cell.changes).every((change) => change.significance === 'within-noise')).to.equal(true);

    const regression = compareReports(baseline, broken);
    expect(regression.regressed).to.equal(true);
    const cell = regression.cells.find((c) => c.stage === 'retry-5xx' && c.vantage === 'in-mesh')!;
    const errorRate = cell.changes.find((change) => change.metric === 'errorRate')!;
    expect(errorRate).to.include({ significance: 'significant', direction: 'regressed' });
    // With 1000 requests a side, 2 % → 10 % is far beyond chance (p well under 1e-6).
    expect(errorRate.pValue).to.be.lessThan(1e-6);
    const others = regression.cells.filter((c) => c !== cell);
    expect(others.every((c) => !c.regressed)).to.equal(true);

    const improvement = compareReports(broken, baseline);
    expect(improvement.regressed).to.equal(false);
    expect(improvement.improved).to.equal(true);

    expect(renderComparisonTerminal(regression, { color: false })).to.match(/^REGRESSED vs baseline base: 1 regression\(s\)/);
    expect(renderComparisonMarkdown(regression)).to.include('| retry-5xx / in-mesh | error rate | ');
    expect(renderComparisonMarkdown(noise)).to.match(/NO REGRESSION/);
  });

  it('compares latency percentiles with a relative tolerance and an absolute floor', async () => {
    const baseline = await buildReport(await writeRunFolder(runSpec(1, BASE_RATES)));
    const slightlySlower = await buildReport(await writeRunFolder(runSpec(1, BASE_RATES, {}, 1.1)));
    const muchSlower = await buildReport(await writeRunFolder(runSpec(1, BASE_RATES, {}, 2)));
    expect(compareReports(baseline, slightlySlower).regressed).to.equal(false);
    const slow = compareReports(baseline, muchSlower);
    expect(slow.regressed).to.equal(true);
    const p95 = slow.cells[0].changes.find((change) => change.metric === 'latencyMs.p95')!;
    expect(p95).to.include({ baseline: 25, current: 50, significance: 'significant', direction: 'regressed' });
    // A 10 ms → 20 ms doubling is not flagged when the floor says changes under 15 ms are noise.
    const floored = compareReports(baseline, muchSlower, { latencyFloorMs: 15 });
    expect(floored.cells[0].changes.find((change) => change.metric === 'latencyMs.p50')?.significance).to.equal('within-noise');
  });

  it('warns when fingerprints differ and lists cells only on one side', async () => {
    const baseline = await buildReport(await writeRunFolder(runSpec(1, BASE_RATES)));
    const other = await buildReport(
      await writeRunFolder(
        runSpec(2, { 'no-policy/in-mesh': 0.3, 'new-stage/in-mesh': 0.1 }, { planHash: 'sha256:other', meshProfile: 'istio-1.22', engine: { name: 'k6', version: 'v1.2.0' }, stages: [{ name: 'no-policy' }, { name: 'new-stage' }] }),
      ),
    );
    const comparison = compareReports(baseline, other);
    expect(comparison.warnings.join('\n')).to.match(/plan hash differs/).and.match(/engine differs/).and.match(/mesh profile differs/).and.match(/k6 version differs/);
    expect(comparison.onlyInCurrent).to.deep.equal([{ stage: 'new-stage', vantage: 'in-mesh' }]);
    expect(comparison.onlyInBaseline).to.have.length(3);
    expect(comparison.cells).to.have.length(1);
  });

  it('skips metrics a side could not measure', async () => {
    const baseline = await buildReport(await writeRunFolder(runSpec(1, { 'no-policy/in-mesh': 0.3 })));
    const died = await buildReport(
      await writeRunFolder({ stages: [{ name: 'no-policy' }], vantages: ['in-mesh'], cells: [{ stage: 'no-policy', vantage: 'in-mesh', statuses: {}, noSummary: true, outcome: 'engine-error' }] }),
    );
    const comparison = compareReports(baseline, died);
    expect(comparison.cells[0].changes).to.deep.equal([]);
    expect(comparison.cells[0].skipped[0]).to.match(/^errorRate: current the engine wrote no summary/);
    expect(comparison.regressed).to.equal(false);
  });

  it('writeReports includes the comparison with a baseline run folder; loadReport explains a missing one', async () => {
    const baseDir = await writeRunFolder(runSpec(1, BASE_RATES, { runId: 'base' }));
    await writeReports(baseDir);
    const currentDir = await writeRunFolder(runSpec(3, { ...BASE_RATES, 'retry-5xx/in-mesh': 0.1 }, { runId: 'current' }));
    const { report } = await writeReports(currentDir, { baseline: baseDir });
    expect(report.comparison?.regressed).to.equal(true);
    expect(JSON.parse(await readFile(path.join(currentDir, 'report.json'), 'utf8')).comparison.baselineRunId).to.equal('base');
    expect(await readFile(path.join(currentDir, 'report.md'), 'utf8')).to.include('### Compared with baseline');
    expect(await readFile(path.join(currentDir, 'report.html'), 'utf8')).to.include('Compared with baseline');
    expect((await loadReport(path.join(baseDir, 'report.json'))).runId).to.equal('base');
    try {
      await loadReport(currentDir.replace(/$/, '-nope'));
      expect.fail('should throw');
    } catch (error) {
      expect(error).to.be.instanceOf(UserError);
      expect((error as UserError).code).to.equal('REPORT_BASELINE_NOT_FOUND');
    }
  });
});

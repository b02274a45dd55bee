import { expect } from 'chai';
import { buildReport } from '../../harness/report/build/build-report.ts';
import { removeRunFolders, writeRunFolder } from './run-folder-fixture.ts';

describe('report: the requested load must be delivered', () => {
  after(removeRunFolders);

  it('a cell at 31% of the requested rate fails with the reason, however good its numbers', async () => {
    const dir = await writeRunFolder({
      stages: [{ name: 'fast' }],
      cells: [
        {
          stage: 'fast',
          vantage: 'in-mesh',
          statuses: { '200': 6200 },
          rate: 2000,
          durationSeconds: 10,
          droppedIterations: 13_800,
          expectation: { errorRate: { max: 0.01 } },
          prediction: { modelled: true, successProbability: 1 },
        },
      ],
    });
    const report = await buildReport(dir);
    const [cell] = report.cells;
    expect(cell.verdict).to.equal('expectation-failed');
    expect(cell.verdictReasons.join('\n')).to.match(/load not delivered: 6200 of 20000 requested requests \(31\.0%/);
    expect(cell.verdictReasons.join('\n')).to.match(/13800 iterations dropped/);
    expect(report.passed).to.equal(false);
  });

  it('a cell that made 95% of its requests passes', async () => {
    const dir = await writeRunFolder({
      vantages: ['in-mesh'],
      stages: [{ name: 'fine' }],
      cells: [{ stage: 'fine', vantage: 'in-mesh', statuses: { '200': 950 }, rate: 100, durationSeconds: 10, expectation: { errorRate: { max: 0.01 } } }],
    });
    const report = await buildReport(dir);
    expect(report.cells[0].checks.every((check) => check.passed)).to.equal(true);
    expect(report.passed, report.headline).to.equal(true);
  });
});

/**
 * What an unattended nightly run needs from the orchestrator: only the selected vantages
 * count, runs never share a folder, a cell that finished is kept when the target dies or
 * the results disk fails, and nothing is thrown past the restore.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { UserError } from '../../harness/errors/user-error.ts';
import type { Plan } from '../../harness/model/plan.ts';
import { loadPlan } from '../../harness/plan/load-plan.ts';
import { planSteps } from '../../harness/plan/planner.ts';
import { buildReport } from '../../harness/report/build/build-report.ts';
import { type BenchOptions, runBench } from '../../harness/run/orchestrator.ts';
import { createSilentReporter } from '../../harness/run/progress.ts';
import type { RunRecord } from '../../harness/run/run-record.ts';
import { projectRoot } from '../../harness/util/project-root.ts';
import { RecordingTarget, ScriptedRunner } from './fakes.ts';

/** The lab plan sized so the fake runner's 100 requests per cell are the whole requested load. */
async function labPlan(): Promise<Plan> {
  const plan = await loadPlan(join(projectRoot, 'manifests', 'plans', 'retries-lab.yaml'));
  plan.scenario.rate = 100;
  plan.scenario.duration = '1s';
  return plan;
}

function options(plan: Plan, overrides: Partial<BenchOptions>): BenchOptions {
  return {
    plan,
    steps: planSteps(plan, {}),
    target: new RecordingTarget(),
    runner: new ScriptedRunner(() => 50),
    bundlePath: '/unused.js',
    resultsDir: mkdtempSync(join(tmpdir(), 'bench-')),
    seed: 1,
    lint: [],
    versions: {},
    signal: new AbortController().signal,
    progress: createSilentReporter(),
    ...overrides,
  };
}

const readRecord = (dir: string): RunRecord => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));

describe('orchestrator, unattended', () => {
  it('a --vantage selection passes: the vantages left out are not "not reached"', async () => {
    const plan = await labPlan();
    const { folder, status } = await runBench(options(plan, { steps: planSteps(plan, { stages: ['baseline'], vantages: ['in-mesh'] }) }));
    expect(status).to.equal('completed');
    expect(readRecord(folder.dir).options.vantages).to.deep.equal(['in-mesh']);
    const report = await buildReport(folder.dir);
    expect(report.missingCells).to.deep.equal([]);
    expect(report.passed, report.headline).to.equal(true);
  });

  it('two runs of one plan in the same second get two folders', async () => {
    const plan = await labPlan();
    const resultsDir = mkdtempSync(join(tmpdir(), 'bench-'));
    const now = () => new Date('2026-01-01T00:00:00.000Z');
    const steps = planSteps(plan, { stages: ['baseline'] });
    const [a, b] = await Promise.all([runBench(options(plan, { steps, resultsDir, now })), runBench(options(plan, { steps, resultsDir, now }))]);
    expect(a.folder.dir).to.not.equal(b.folder.dir);
    expect(readdirSync(resultsDir).sort()).to.deep.equal(['20260101T000000Z-retries-lab', '20260101T000000Z-retries-lab-2']);
    for (const outcome of [a, b]) {
      const record = readRecord(outcome.folder.dir);
      expect(record.runId).to.equal(outcome.folder.dir.split('/').at(-1));
      expect(record.cells).to.have.length(2);
    }
  });

  it('keeps the cell that finished when the target dies before its stats are read', async () => {
    const plan = await labPlan();
    const target = new RecordingTarget();
    let reads = 0;
    target.readProxyStats = async () => {
      reads += 1;
      if (reads === 2) throw new Error('mesh process is not running');
      return { collectedAt: new Date(0).toISOString(), proxies: {} };
    };
    const { folder, status, error } = await runBench(options(plan, { target }));
    expect(status).to.equal('failed');
    expect(String(error)).to.contain('mesh process is not running');
    expect(target.events.at(-1)).to.equal('restore');
    const record = readRecord(folder.dir);
    expect(record.cells.map((c) => `${c.stage}/${c.vantage}`)).to.deep.equal(['baseline/in-mesh', 'baseline/external']);
    const [, died] = record.cells;
    expect(existsSync(join(folder.dir, died.files.summary!)), 'its k6 summary is kept').to.equal(true);
    expect(died.files.proxyStats).to.equal(undefined);
    expect(died.detail).to.contain('proxy stats not collected: mesh process is not running');
  });

  it('a results folder that stops being writable ends the run with RESULTS_NOT_WRITABLE, restored, earlier cells kept', async () => {
    const plan = await labPlan();
    const target = new RecordingTarget();
    let runDir = '';
    const runner = new ScriptedRunner(
      () => 50,
      (request) => {
        if (request.env.STAGE === 'strict' && request.env.VANTAGE === 'in-mesh') {
          // The folder turns into something no file can be written under (a full or
          // read-only disk looks the same to the run: every write fails).
          runDir = join(request.summaryPath, '..', '..');
          renameSync(runDir, `${runDir}.kept`);
          writeFileSync(runDir, 'not a folder');
        }
      },
    );
    const outcome = await runBench(options(plan, { target, runner }));
    expect(outcome.status).to.equal('failed');
    expect(outcome.error).to.be.instanceOf(UserError);
    expect((outcome.error as UserError).code).to.equal('RESULTS_NOT_WRITABLE');
    expect(target.events.at(-1)).to.equal('restore');
    const kept = readRecord(`${runDir}.kept`);
    expect(kept.cells.map((c) => `${c.stage}/${c.vantage}`)).to.deep.equal(['baseline/in-mesh', 'baseline/external']);
  });

  it('an unwritable results folder is a user error before anything is changed', async () => {
    const plan = await labPlan();
    const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'file');
    writeFileSync(file, '');
    const target = new RecordingTarget();
    let thrown: unknown;
    await runBench(options(plan, { target, resultsDir: join(file, 'results') })).catch((error) => {
      thrown = error;
    });
    expect((thrown as UserError).code).to.equal('RESULTS_NOT_WRITABLE');
    expect(target.events).to.deep.equal([]);
  });
});

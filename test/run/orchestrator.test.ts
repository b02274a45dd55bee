import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runBench } from '../../harness/run/orchestrator.ts';
import { createSilentReporter } from '../../harness/run/progress.ts';
import { loadPlan } from '../../harness/plan/load-plan.ts';
import { planSteps } from '../../harness/plan/planner.ts';
import type { Plan } from '../../harness/model/plan.ts';
import type { RunRecord } from '../../harness/run/run-record.ts';
import { projectRoot } from '../../harness/util/project-root.ts';
import { createEmbeddedRunner } from '../../harness/runners/embedded/embedded-runner.ts';
import { RecordingTarget, ScriptedRunner } from './fakes.ts';

async function labPlan(): Promise<Plan> {
  return loadPlan(join(projectRoot, 'manifests', 'plans', 'retries-lab.yaml'));
}

function readRecord(dir: string): RunRecord {
  return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
}

describe('orchestrator', () => {
  it('applies each stage, waits for it, runs every vantage and restores the target', async () => {
    const plan = await labPlan();
    const target = new RecordingTarget();
    const runner = new ScriptedRunner(() => 50);
    const { folder, status } = await runBench({
      plan, steps: planSteps(plan, { stages: ['baseline', 'strict'] }), target, runner, bundlePath: '/unused.js',
      resultsDir: mkdtempSync(join(tmpdir(), 'bench-')), seed: 1, lint: [], versions: {}, signal: new AbortController().signal, progress: createSilentReporter(),
    });
    expect(status).to.equal('completed');
    expect(target.events).to.deep.equal(['prepare retries-lab', 'apply baseline v1', 'wait v1', 'apply strict v2', 'wait v2', 'restore']);
    const record = readRecord(folder.dir);
    expect(record.status).to.equal('completed');
    expect(record.cells.map((c) => `${c.stage}/${c.vantage}`)).to.deep.equal(['baseline/in-mesh', 'baseline/external', 'strict/in-mesh', 'strict/external']);
    for (const cell of record.cells) {
      expect(existsSync(join(folder.dir, cell.files.summary!)), cell.files.summary).to.equal(true);
      expect(existsSync(join(folder.dir, cell.files.proxyStats!))).to.equal(true);
      expect(cell.prediction, 'each cell carries the model prediction').to.be.an('object');
    }
    expect(runner.requests[0].env).to.include({ STAGE: 'baseline', VANTAGE: 'in-mesh', RATE: String(plan.scenario.rate) });
    expect(runner.requests[0].tags).to.deep.equal({ plan: 'retries-lab', stage: 'baseline', vantage: 'in-mesh' });
  });

  it('keeps finished cells and restores the target when a stage fails to apply', async () => {
    const plan = await labPlan();
    const target = new RecordingTarget('strict');
    const resultsDir = mkdtempSync(join(tmpdir(), 'bench-'));
    const { status, error } = await runBench({
      plan, steps: planSteps(plan, {}), target, runner: new ScriptedRunner(() => 50), bundlePath: '/unused.js',
      resultsDir, seed: 1, lint: [], versions: {}, signal: new AbortController().signal, progress: createSilentReporter(),
    });
    expect(status).to.equal('failed');
    expect(String(error)).to.contain('cannot apply strict');
    expect(target.events.at(-1)).to.equal('restore');
    const [runDir] = (await import('node:fs')).readdirSync(resultsDir);
    const record = readRecord(join(resultsDir, runDir));
    expect(record.status).to.equal('failed');
    expect(record.error).to.contain('cannot apply strict');
    expect(record.cells).to.have.length(2);
  });

  it('on Ctrl-C stops after the current cell, marks the run interrupted and restores', async () => {
    const plan = await labPlan();
    const target = new RecordingTarget();
    const controller = new AbortController();
    const runner = new ScriptedRunner(() => 50, (request) => {
      if (request.env.STAGE === 'strict' && request.env.VANTAGE === 'in-mesh') controller.abort();
    });
    const { folder, status } = await runBench({
      plan, steps: planSteps(plan, {}), target, runner, bundlePath: '/unused.js',
      resultsDir: mkdtempSync(join(tmpdir(), 'bench-')), seed: 1, lint: [], versions: {}, signal: controller.signal, progress: createSilentReporter(),
    });
    expect(status).to.equal('interrupted');
    expect(target.events.at(-1)).to.equal('restore');
    const record = readRecord(folder.dir);
    expect(record.status).to.equal('interrupted');
    expect(record.cells.map((c) => `${c.stage}/${c.vantage}:${c.outcome}`)).to.deep.equal(['baseline/in-mesh:ok', 'baseline/external:ok', 'strict/in-mesh:interrupted']);
  });

  it("lists the engine's limitations beside the target's, once however many cells it ran", async () => {
    const plan = await labPlan();
    const runner = Object.assign(new ScriptedRunner(() => 50), { limitations: ['engine gap'] });
    const { folder } = await runBench({
      plan, steps: planSteps(plan, { stages: ['baseline', 'strict'] }), target: new RecordingTarget(), runner, bundlePath: '/unused.js',
      resultsDir: mkdtempSync(join(tmpdir(), 'bench-')), seed: 1, lint: [], versions: {}, signal: new AbortController().signal, progress: createSilentReporter(),
    });
    expect(readRecord(folder.dir).limitations).to.deep.equal(['engine gap']);
  });

  it('the embedded runtime names where its figures can differ from k6', () => {
    const lines = createEmbeddedRunner().limitations ?? [];
    expect(lines.some((line) => line.includes('vus_max'))).to.equal(true);
    // Arrivals that find no free VU are dropped as k6 drops them (VUs added one at a time in
    // the background), so dropped_iterations is no longer a gap to name.
    expect(lines.some((line) => line.includes('dropped_iterations'))).to.equal(false);
  });
});

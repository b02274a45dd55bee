/**
 * Signals against the real process tree, as a nightly job's timeout or a user sends
 * them: to `npm run bench` (npm → bench → mesh), to `npx tsx …` (npx → sh → tsx → bench →
 * mesh) and to `harness/bin.mjs` (the installed `bench`). Every process of the run must be gone afterwards, the finished
 * cells kept and the reports written.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RunRecord } from '../../harness/run/run-record.ts';
import { projectRoot } from '../../harness/util/project-root.ts';

/** Every process whose environment carries `marker`: the launchers, the bench and its mesh. */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`BENCH_TEST_MARKER=${marker}`)) pids.push(Number(entry));
    } catch {
      // Exited meanwhile, or not ours to read.
    }
  }
  return pids;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function runRecord(results: string): RunRecord | undefined {
  const [run] = existsSync(results) ? readdirSync(results) : [];
  const file = run && join(results, run, 'run.json');
  if (!file || !existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // being replaced this instant
  }
}

type Launcher = { command: (args: string[]) => [string, string[]]; signals: NodeJS.Signals[] };

const LAUNCHERS: Record<string, Launcher> = {
  'npm run bench': { command: (args) => ['npm', ['run', '--silent', 'bench', '--', ...args]], signals: ['SIGINT', 'SIGTERM'] },
  'harness/bin.mjs': { command: (args) => [process.execPath, [join(projectRoot, 'harness', 'bin.mjs'), ...args]], signals: ['SIGINT', 'SIGTERM'] },
  // npx runs tsx below `sh -c`, which dies on SIGTERM without passing it on (the bench then
  // notices its launcher is gone) but holds a SIGINT until its child ends: SIGINT reaches the
  // bench only when sent to the process group, as a terminal's Ctrl-C is.
  'npx tsx harness/cli/main.ts': { command: (args) => ['npx', ['tsx', join('harness', 'cli', 'main.ts'), ...args]], signals: ['SIGTERM'] },
};

describe('signals to the real process tree', function () {
  this.timeout(180_000);

  for (const [launcher, { command, signals }] of Object.entries(LAUNCHERS)) {
    for (const signal of signals) {
      it(`${signal} to ${launcher} leaves no process behind and keeps every finished cell`, async () => {
        const results = mkdtempSync(join(tmpdir(), 'bench-signal-'));
        const marker = `${signal}-${launcher}-${process.pid}-${Date.now()}`;
        const [file, args] = command(['--stage', 'baseline,strict', '--rate', '50', '--duration', '2s', '--results', results]);
        const child = spawn(file, args, { cwd: projectRoot, env: { ...process.env, K6_BIN: '', NO_COLOR: '1', BENCH_TEST_MARKER: marker }, stdio: 'ignore' });
        try {
          await waitFor(() => (runRecord(results)?.cells.length ?? 0) >= 1, 90_000, 'the first finished cell');
          const finishedBefore = runRecord(results)!.cells.length;
          // Only the launcher is signalled, as a job runner's timeout does.
          child.kill(signal);
          await waitFor(() => processesWith(marker).length === 0, 60_000, 'every process of the run to exit');
          const record = runRecord(results)!;
          expect(record.status).to.equal('interrupted');
          expect(record.cells.length).to.be.at.least(finishedBefore);
          const dir = join(results, readdirSync(results)[0]);
          expect(existsSync(join(dir, 'report.json')), 'reports rendered').to.equal(true);
        } finally {
          for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
        }
      });
    }
  }
});

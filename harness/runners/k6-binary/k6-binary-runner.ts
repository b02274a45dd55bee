/**
 * `--engine k6`: runs the bundle with a k6 binary through execa. k6 writes the summary
 * itself (the scenario's handleSummary → SUMMARY_PATH); this runner streams progress,
 * maps the exit code, and on abort sends SIGINT to k6's process group (k6 then stops
 * gracefully and still runs handleSummary), escalating to SIGKILL if it does not exit.
 */
import { createInterface } from 'node:readline';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import type { K6SummaryData } from '../../model/k6-summary.ts';
import { parseProgressLine } from './progress.ts';
import { k6RunArgs, k6RunEnv } from './run-args.ts';
import type { RunRequest, RunResult, Runner } from '../runner.ts';
import { outcomeForExitCode } from '../../model/k6-outcome.ts';
import { tryParseDuration } from '../../util/duration.ts';


const STDERR_TAIL_LINES = 20;
/** After SIGINT, how long k6 gets to finish its graceful stop and handleSummary. */
const FORCE_KILL_AFTER_MS = 45_000;
/** k6's default gracefulStop for the arrival-rate executors the scenarios use. */
const K6_GRACEFUL_STOP_MS = 30_000;
/** Beyond duration + graceful stop + request timeout: k6's start-up, setup, teardown and handleSummary. */
const WATCHDOG_MARGIN_MS = 60_000;
/** Once k6 has exited, how long its output may stay open (held by something it started). */
const STREAM_DRAIN_MS = 2_000;

/**
 * When a cell must be over: its duration, k6's graceful stop, the longest request, and a
 * margin. A k6 that is still running then hangs, and is stopped like on Ctrl-C.
 */
export function watchdogMs(env: Record<string, string>, marginMs = WATCHDOG_MARGIN_MS): number | undefined {
  const duration = env.DURATION === undefined ? undefined : tryParseDuration(env.DURATION);
  if (duration === undefined) return undefined;
  const requestTimeout = (env.REQUEST_TIMEOUT === undefined ? undefined : tryParseDuration(env.REQUEST_TIMEOUT)) ?? 60_000;
  return duration + K6_GRACEFUL_STOP_MS + requestTimeout + marginMs;
}

export interface K6RunnerOptions {
  binary: string;
  version: string;
  /** Grace period between SIGINT and SIGKILL on abort. */
  forceKillAfterMs?: number;
  /** Environment k6 starts from (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Margin of the watchdog beyond duration + graceful stop + request timeout (default 60 s). */
  watchdogMarginMs?: number;
}

export function createK6Runner(options: K6RunnerOptions): Runner {
  return {
    name: 'k6',
    version: async () => options.version,
    run: (request) => runK6(options, request),
  };
}

async function runK6(options: K6RunnerOptions, request: RunRequest): Promise<RunResult> {
  const engine = { name: 'k6' as const, version: options.version };
  const summaryPath = resolve(process.cwd(), request.env.SUMMARY_PATH ?? request.summaryPath);
  // A summary left by an earlier run must not pass for this one's.
  await rm(summaryPath, { force: true });

  const subprocess = execa(options.binary, k6RunArgs(request), {
    env: k6RunEnv(request, options.env),
    extendEnv: false,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    // Its own process group, so an abort reaches everything k6 started.
    detached: true,
    cleanup: true,
  });
  const stderrTail: string[] = [];
  const readLines = (stream: Readable | null, keepTail: boolean) =>
    new Promise<void>((done) => {
      if (!stream) return done();
      const lines = createInterface({ input: stream });
      lines.on('line', (line) => {
        const progress = parseProgressLine(line);
        if (progress) request.onProgress?.(progress);
        if (keepTail) {
          stderrTail.push(line);
          if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        }
      });
      lines.on('close', done);
    });
  const streams = Promise.all([readLines(subprocess.stdout, false), readLines(subprocess.stderr, true)]);

  let aborted = false;
  let forceKill: NodeJS.Timeout | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    if (subprocess.pid === undefined) return;
    try {
      process.kill(-subprocess.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const onAbort = () => {
    aborted = true;
    signalGroup('SIGINT');
    forceKill = setTimeout(() => signalGroup('SIGKILL'), options.forceKillAfterMs ?? FORCE_KILL_AFTER_MS);
  };
  if (request.signal?.aborted) onAbort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  let watchdogFired = false;
  const deadline = watchdogMs(request.env, options.watchdogMarginMs);
  const watchdog =
    deadline === undefined
      ? undefined
      : setTimeout(() => {
          watchdogFired = true;
          onAbort();
        }, deadline);

  const result = await subprocess;
  if (watchdog) clearTimeout(watchdog);
  // Something k6 started may hold its output open: do not wait for it forever.
  await Promise.race([streams, new Promise((done) => setTimeout(done, STREAM_DRAIN_MS).unref())]);
  request.signal?.removeEventListener('abort', onAbort);
  if (forceKill) clearTimeout(forceKill);
  if (watchdogFired) {
    const summary = await readSummary(summaryPath);
    const tail = detailFor(result.signal, stderrTail);
    return {
      outcome: 'engine-error',
      exitCode: result.exitCode ?? 1,
      engine,
      ...(summary ? { summary } : {}),
      detail: [`k6 was still running ${Math.round((deadline ?? 0) / 1000)} s after it started (duration + graceful stop + request timeout + margin) and was stopped`, tail].filter(Boolean).join('\n'),
    };
  }
  if (result.failed && result.exitCode === undefined && !aborted && result.signal === undefined) {
    return { outcome: 'engine-error', exitCode: 1, engine, detail: `could not run ${options.binary}: ${result.message}` };
  }

  const exitCode = result.exitCode ?? (aborted ? 105 : 1);
  const outcome = result.exitCode === undefined && aborted ? 'interrupted' : outcomeForExitCode(exitCode);
  const summary = await readSummary(summaryPath);
  const detail = outcome === 'ok' ? undefined : detailFor(result.signal, stderrTail);
  return { outcome, exitCode, engine, ...(summary ? { summary } : {}), ...(detail ? { detail } : {}) };
}

async function readSummary(path: string): Promise<K6SummaryData | undefined> {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as K6SummaryData;
    return data && typeof data === 'object' && 'metrics' in data ? data : undefined;
  } catch {
    return undefined;
  }
}

function detailFor(signal: string | undefined, stderrTail: string[]): string | undefined {
  const parts = [signal ? `k6 was killed by ${signal}` : '', stderrTail.join('\n')].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('\n') : undefined;
}

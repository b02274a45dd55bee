/** What an executor gets from the run: VUs, one-iteration runs, the clock and the stop switch. */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ExecutionTuple } from '../execution-segment.ts';
import type { ScenarioConfig } from '../options.ts';
import type { ScenarioState, Vu } from '../vu.ts';

export interface ExecutorContext<C extends ScenarioConfig = ScenarioConfig> {
  config: C;
  state: ScenarioState;
  /** This instance's execution segment; undefined when the run is not split. */
  tuple?: ExecutionTuple;
  /** Initializes one more VU for this scenario (counts towards vus_max). */
  newVu(): Vu;
  /** Runs one iteration of the scenario's exec function; never rejects. */
  runIteration(vu: Vu): Promise<void>;
  /** Aborted when the whole run stops (Ctrl-C, exec.test.abort, abortOnFail). */
  stopSignal: AbortSignal;
  /** Records an arrival-rate iteration that found no free VU. */
  dropIteration(): void;
  /** Logs a warning as k6 does (`WARN[0003] …` on stderr), with the scenario named. */
  warn(message: string): void;
  /** Tracks VUs busy with a loop or an iteration, for the `vus` metric. */
  activeVus(delta: number): void;
}

export function elapsedSince(start: number): number {
  return performance.now() - start;
}

/** Resolves after `ms`, or as soon as the signal aborts; leaves no timer behind. */
export function waitOrStop(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * After a scenario stops starting iterations: wait up to gracefulStop for the running
 * ones, then interrupt the VUs (their requests and sleeps reject) and wait for them to unwind.
 */
export async function drain(running: Iterable<Promise<void>>, vus: Iterable<Vu>, gracefulStopMs: number): Promise<void> {
  const all = Promise.all(running);
  const idle = new AbortController();
  const finished = await Promise.race([all.then(() => true), waitOrStop(gracefulStopMs, idle.signal).then(() => false)]);
  idle.abort();
  if (finished) return;
  for (const vu of vus) vu.interrupt.abort();
  await all;
}

/**
 * Lets timers and I/O run between iterations that never leave the microtask queue. Only
 * every 16th iteration gets a promise to await; the others get undefined (no await needed).
 */
export function maybeYield(count: number): Promise<void> | undefined {
  return count % 16 === 0 ? yieldToEventLoop() : undefined;
}

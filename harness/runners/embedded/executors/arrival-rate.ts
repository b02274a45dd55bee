/**
 * The open-model executors: constant-arrival-rate and ramping-arrival-rate. Iteration k
 * (0-based) is due when the cumulative arrivals reach k, so the first starts at once (and,
 * for constant-arrival-rate as in k6, one more at the very end: rate × duration + 1) and
 * the count stays exact however late the timer fires (late ones start in a burst, as k6
 * catches up). An iteration starts only on a free VU, the one idle longest: k6 hands
 * arrivals to its VUs' goroutines over one unbuffered channel, whose waiting receivers Go
 * serves first come first served, so every pre-allocated VU takes its turn (and opens its
 * own connection) even when one VU could carry the rate. One that finds none is dropped
 * (dropped_iterations), as in k6, which then initializes one more VU in the background,
 * one at a time and up to maxVUs, and warns once when maxVUs is reached; the new VU takes
 * the arrivals after it is ready. Under an execution segment, the schedule stays the
 * unsplit one and only the iterations whose global index the segment owns start (k6's
 * striping), so the segments' iterations add up to one run's.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { owns } from '../execution-segment.ts';
import type { ScenarioConfig } from '../options.ts';
import type { Vu } from '../vu.ts';
import { type ExecutorContext, drain, elapsedSince, waitOrStop } from './context.ts';
import { collectInitGarbage } from './init-garbage.ts';
import { arrivalsUntil } from './ramp.ts';

type ArrivalConfig = Extract<ScenarioConfig, { executor: 'constant-arrival-rate' | 'ramping-arrival-rate' }>;

interface Schedule {
  durationMs: number;
  /** Arrivals due in [0, t] ms. */
  arrivals(t: number): number;
}

export function scheduleFor(config: ArrivalConfig): Schedule {
  if (config.executor === 'constant-arrival-rate') {
    const perMs = config.rate / config.timeUnitMs;
    return { durationMs: config.durationMs, arrivals: (t) => perMs * t };
  }
  const perMs = (value: number) => value / config.timeUnitMs;
  const stages = config.stages.map((s) => ({ durationMs: s.durationMs, target: perMs(s.target) }));
  return {
    durationMs: config.stages.reduce((sum, s) => sum + s.durationMs, 0),
    arrivals: (t) => arrivalsUntil(perMs(config.startRate), stages, t),
  };
}

/** Smallest t in [from, to] with arrivals(t) >= k, by bisection (arrivals only grow). */
function timeOfArrival(schedule: Schedule, k: number, from: number, to: number): number {
  if (schedule.arrivals(to) < k) return to;
  let lo = from;
  let hi = to;
  for (let i = 0; i < 40 && hi - lo > 0.01; i++) {
    const mid = (lo + hi) / 2;
    if (schedule.arrivals(mid) >= k) hi = mid;
    else lo = mid;
  }
  return hi;
}

export async function arrivalRate(ctx: ExecutorContext<ArrivalConfig>): Promise<void> {
  const schedule = scheduleFor(ctx.config);
  /** Idle VUs, the longest idle first. */
  const free: Vu[] = [];
  const all: Vu[] = [];
  for (let i = 0; i < ctx.config.preAllocatedVUs; i++) {
    const vu = ctx.newVu();
    all.push(vu);
    free.push(vu);
  }
  // k6 initializes preAllocatedVUs before the scenario starts. Here they are made on the
  // scenario's start, so its clock starts once they exist (and their init garbage is
  // collected): otherwise the time their init code took would fall due at once as a burst
  // of arrivals (and extra VUs) at t=0. Collected only on a worker thread, where the run
  // has the isolate to itself: on the main thread (runs side by side in one process) the
  // pause would stall the other runs' arrivals into bursts that drop iterations.
  if (!isMainThread) collectInitGarbage();
  ctx.state.startedAt = performance.now();
  const running = new Set<Promise<void>>();
  let started = 0;
  let initializing = false;
  let warned = false;
  let ended = false;
  // k6 asks its one VU-initializing goroutine for another VU without waiting; a request
  // made while one is being initialized is not queued. Initializing is a macrotask here,
  // so the executor goes on meanwhile as k6's does.
  const growPool = () => {
    if (all.length + (initializing ? 1 : 0) >= ctx.config.maxVUs) {
      if (!warned) ctx.warn(`Insufficient VUs, reached ${ctx.config.maxVUs} active VUs and cannot initialize more`);
      warned = true;
      return;
    }
    if (initializing) return;
    initializing = true;
    setImmediate(() => {
      initializing = false;
      if (ended) return;
      const vu = ctx.newVu();
      all.push(vu);
      free.push(vu);
    });
  };
  // A tolerance keeps float error from skipping an iteration that is due exactly now.
  const due = (t: number) => Math.floor(schedule.arrivals(t) + 1e-9) + 1;

  // k6's constant-arrival-rate also starts the iteration due at the very end of the
  // duration (20/s for 2 s starts 41), so its last arrival is included here.
  const last = ctx.config.executor === 'constant-arrival-rate' ? due(schedule.durationMs) : Number.POSITIVE_INFINITY;

  while (!ctx.stopSignal.aborted) {
    const now = elapsedSince(ctx.state.startedAt);
    if (now >= schedule.durationMs && (last === Number.POSITIVE_INFINITY || started >= last)) break;
    const target = Math.min(due(Math.min(now, schedule.durationMs)), last);
    while (started < target) {
      started++;
      if (!owns(ctx.tuple, started - 1)) continue;
      const worker = free.shift();
      if (!worker) {
        ctx.dropIteration();
        growPool();
        continue;
      }
      ctx.activeVus(1);
      const iteration: Promise<void> = ctx.runIteration(worker).then(() => {
        ctx.activeVus(-1);
        running.delete(iteration);
        free.push(worker);
      });
      running.add(iteration);
    }
    if (started >= last) break;
    const next = timeOfArrival(schedule, started, now, schedule.durationMs);
    await waitOrStop(Math.max(0, next - elapsedSince(ctx.state.startedAt)), ctx.stopSignal);
  }
  ended = true;
  await drain([...running], all, ctx.config.gracefulStopMs);
}

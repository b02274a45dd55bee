/**
 * The closed-model executors: shared-iterations, per-vu-iterations, constant-vus and
 * ramping-vus. VUs loop; each executor decides whether a VU starts another iteration.
 */
import { scaleInt } from '../execution-segment.ts';
import type { ScenarioConfig } from '../options.ts';
import type { Vu } from '../vu.ts';
import { type ExecutorContext, drain, elapsedSince, maybeYield, waitOrStop } from './context.ts';
import { vusAt } from './ramp.ts';

type Config<E extends ScenarioConfig['executor']> = Extract<ScenarioConfig, { executor: E }>;
type IterationsConfig = Extract<ScenarioConfig, { iterations: number }>;

/** Runs `vus` loops until each one's `shouldStart` says no, the time is up, or the run stops. */
async function loopVus(ctx: ExecutorContext, vus: Vu[], endMs: number, shouldStart: (vu: Vu, index: number) => boolean | 'wait'): Promise<void> {
  const scenarioStop = new AbortController();
  const onRunStop = () => scenarioStop.abort();
  ctx.stopSignal.addEventListener('abort', onRunStop, { once: true });
  const loops = vus.map(async (vu, index) => {
    let count = 0;
    let active = false;
    try {
      while (!scenarioStop.signal.aborted && elapsedSince(ctx.state.startedAt) < endMs) {
        const decision = shouldStart(vu, index);
        if (decision === false) break;
        if (decision === 'wait') {
          if (active) ctx.activeVus(-1);
          active = false;
          await waitOrStop(10, scenarioStop.signal);
          continue;
        }
        if (!active) ctx.activeVus(1);
        active = true;
        await ctx.runIteration(vu);
        const pause = maybeYield(++count);
        if (pause) await pause;
      }
    } finally {
      if (active) ctx.activeVus(-1);
    }
  });
  const all = Promise.all(loops);
  const timeUp = waitOrStop(endMs - elapsedSince(ctx.state.startedAt), scenarioStop.signal);
  const done = await Promise.race([all.then(() => true), timeUp.then(() => false)]);
  scenarioStop.abort();
  ctx.stopSignal.removeEventListener('abort', onRunStop);
  if (!done) await drain(loops, vus, ctx.config.gracefulStopMs);
}

function initVus(ctx: ExecutorContext, count: number): Vu[] {
  return Array.from({ length: count }, () => ctx.newVu());
}

export async function sharedIterations(ctx: ExecutorContext<IterationsConfig>, vus = initVus(ctx, ctx.config.vus)): Promise<void> {
  let taken = 0;
  await loopVus(ctx, vus, ctx.config.maxDurationMs, () => taken++ < ctx.config.iterations);
}

export async function perVuIterations(ctx: ExecutorContext<IterationsConfig>, vus = initVus(ctx, ctx.config.vus)): Promise<void> {
  const done = new Map<Vu, number>();
  await loopVus(ctx, vus, ctx.config.maxDurationMs, (vu) => {
    const count = done.get(vu) ?? 0;
    done.set(vu, count + 1);
    return count < ctx.config.iterations;
  });
}

export async function constantVus(ctx: ExecutorContext<Config<'constant-vus'>>, vus = initVus(ctx, ctx.config.vus)): Promise<void> {
  await loopVus(ctx, vus, ctx.config.durationMs, () => true);
}

/**
 * VU number i (0-based) runs while the ramp's target exceeds i; a VU ramped down finishes
 * its iteration (k6 would interrupt it after gracefulRampDown) and waits to be ramped up again.
 */
export async function rampingVus(ctx: ExecutorContext<Config<'ramping-vus'>>, vus = initVus(ctx, scaleInt(ctx.tuple, maxRampingVus(ctx.config)))): Promise<void> {
  const { startVUs, stages } = ctx.config;
  const totalMs = stages.reduce((sum, s) => sum + s.durationMs, 0);
  // Under a segment this instance runs its share of the unsplit VU count at each moment.
  const target = () => scaleInt(ctx.tuple, vusAt(startVUs, stages, elapsedSince(ctx.state.startedAt)));
  await loopVus(ctx, vus, totalMs, (_vu, index) => (index < target() ? true : 'wait'));
}

export function maxRampingVus(config: Config<'ramping-vus'>): number {
  return Math.max(config.startVUs, ...config.stages.map((s) => s.target));
}

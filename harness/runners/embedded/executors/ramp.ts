/** Linear ramps over k6 stages: VU targets and cumulative arrival counts. */
import type { Stage } from '../options.ts';

/** Value of a stage-wise linear ramp at `t` ms (the last target after the end). */
export function rampValue(start: number, stages: Stage[], t: number): number {
  let from = start;
  let stageStart = 0;
  for (const stage of stages) {
    if (t < stageStart + stage.durationMs) {
      return from + ((stage.target - from) * (t - stageStart)) / stage.durationMs;
    }
    stageStart += stage.durationMs;
    from = stage.target;
  }
  return from;
}

/** ramping-vus: how many VUs should run at `t` ms. */
export function vusAt(startVUs: number, stages: Stage[], t: number): number {
  return Math.round(rampValue(startVUs, stages, t));
}

/** Integral of a stage-wise linear rate (per ms) from 0 to `t` ms: arrivals so far. */
export function arrivalsUntil(startRate: number, stages: Stage[], t: number): number {
  let from = startRate;
  let stageStart = 0;
  let total = 0;
  for (const stage of stages) {
    if (stage.durationMs === 0) {
      from = stage.target;
      continue;
    }
    const end = stageStart + stage.durationMs;
    const span = Math.min(t, end) - stageStart;
    if (span <= 0) break;
    const rateAtSpan = from + ((stage.target - from) * span) / stage.durationMs;
    total += ((from + rateAtSpan) / 2) * span;
    stageStart = end;
    from = stage.target;
  }
  if (t > stageStart) total += from * (t - stageStart);
  return total;
}

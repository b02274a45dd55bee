/**
 * Did the load generator deliver the load it was asked for? A constant-arrival-rate
 * scenario that runs out of VUs drops iterations instead of failing, so a run at 4% of
 * the requested rate would otherwise pass with numbers that say nothing about that load.
 * The cell fails when fewer than 90% of the requested requests were made, or more than 5%
 * of them were dropped. Requests are counted rather than divided by the run's duration:
 * a slow answer at the end stretches the duration without any load being missed.
 */
import type { ExpectationCheck, LoadReport, Measured } from '../report-types.ts';

export const MIN_LOAD_FRACTION = 0.9;
export const MAX_DROPPED_FRACTION = 0.05;

export function checkLoad(load: LoadReport, requests: Measured): ExpectationCheck[] {
  const requested = load.targetRate * load.targetDurationSeconds;
  if (!(requested > 0) || requests.value === null) return [];
  const made = requests.value;
  const dropped = load.droppedIterations.value ?? 0;
  const fraction = made / requested;
  const droppedFraction = dropped / requested;
  const checks: ExpectationCheck[] = [];
  const passed = fraction >= MIN_LOAD_FRACTION;
  checks.push({
    metric: 'load',
    bound: 'min',
    limit: MIN_LOAD_FRACTION,
    observed: fraction,
    passed,
    message: passed
      ? `load: ${made} of ${Math.round(requested)} requested requests`
      : `load not delivered: ${made} of ${Math.round(requested)} requested requests (${pct(fraction)} of ${load.targetRate}/s for ${load.targetDurationSeconds}s, below ${pct(MIN_LOAD_FRACTION)}); raise maxVUs or lower the rate`,
  });
  if (droppedFraction > MAX_DROPPED_FRACTION) {
    checks.push({
      metric: 'load',
      bound: 'max',
      limit: MAX_DROPPED_FRACTION,
      observed: droppedFraction,
      passed: false,
      message: `load not delivered: ${dropped} iterations dropped (${pct(droppedFraction)} of those requested, above ${pct(MAX_DROPPED_FRACTION)}): the load generator ran out of VUs`,
    });
  }
  return checks;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

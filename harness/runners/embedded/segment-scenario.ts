/**
 * A scenario's share under an execution segment, as k6's executor configs compute it
 * (GetVUs, GetIterations, preAllocatedVUs/maxVUs): VUs and iteration counts are scaled
 * with the segment's stripes; rates and durations stay whole, because arrival-rate
 * executors keep the unsplit schedule and start only the iterations the segment owns.
 * Undefined when the segment gets no VUs at all (k6 then runs nothing of the scenario).
 */
import { type ExecutionTuple, scaleInt, scaleSharedIterations } from './execution-segment.ts';
import type { ScenarioConfig } from './options.ts';

export function segmentScenario(config: ScenarioConfig, tuple: ExecutionTuple | undefined): ScenarioConfig | undefined {
  if (!tuple) return config;
  switch (config.executor) {
    case 'shared-iterations': {
      const vus = scaleInt(tuple, config.vus);
      const iterations = scaleSharedIterations(tuple, config.vus, config.iterations);
      return vus === 0 || iterations === 0 ? undefined : { ...config, vus, iterations };
    }
    case 'per-vu-iterations':
    case 'constant-vus': {
      const vus = scaleInt(tuple, config.vus);
      return vus === 0 ? undefined : { ...config, vus };
    }
    case 'ramping-vus':
      return config;
    default:
      return { ...config, preAllocatedVUs: scaleInt(tuple, config.preAllocatedVUs), maxVUs: scaleInt(tuple, config.maxVUs) };
  }
}

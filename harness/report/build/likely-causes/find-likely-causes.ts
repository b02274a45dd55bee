/**
 * Why a cell did not do what was configured or expected, chosen from the data it recorded:
 * proxy counters (did the sidecar retry at all? did it see the traffic?), the failure
 * breakdown, the load achieved, whether the stage's config was confirmed on the proxies,
 * and how the in-mesh cell compares with the external one. Rules run in this order, which
 * is the order causes are listed in; each carries its evidence.
 */
import type { LikelyCause } from '../../report-types.ts';
import { circuitBreakerOverflow, clientTimeouts, connectionFailures, injectedAborts, noHealthyUpstream } from './failure-rules.ts';
import { loadNotHeld } from './load-rules.ts';
import { betterThanPredicted, bypassedSidecar, configNotPropagated, noRetries, policyNotApplied } from './policy-rules.ts';
import { perTryTimeouts, retriesExhausted, routeTimeouts } from './proxy-counter-rules.ts';
import type { CauseContext, CauseRule } from './rule.ts';

const RULES: readonly CauseRule[] = [
  configNotPropagated,
  bypassedSidecar,
  noRetries,
  policyNotApplied,
  retriesExhausted,
  perTryTimeouts,
  routeTimeouts,
  circuitBreakerOverflow,
  noHealthyUpstream,
  injectedAborts,
  clientTimeouts,
  connectionFailures,
  loadNotHeld,
  betterThanPredicted,
];

export function findLikelyCauses(context: CauseContext): LikelyCause[] {
  return RULES.map((rule) => rule(context)).filter((cause): cause is LikelyCause => cause !== undefined);
}

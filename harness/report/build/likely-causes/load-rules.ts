/** Causes that concern the load itself rather than the mesh. */
import { type CauseRule, num } from './rule.ts';

/** Below this share of the target rate the load generator did not hold the open-model rate. */
export const MIN_ACHIEVED_RATIO = 0.9;

export const loadNotHeld: CauseRule = ({ cell }) => {
  const dropped = num(cell.load.droppedIterations) ?? 0;
  const ratio = num(cell.load.achievedRatio);
  if (dropped === 0 && (ratio === undefined || ratio >= MIN_ACHIEVED_RATIO)) return undefined;
  return {
    code: 'load-not-held',
    message: 'the load generator did not hold the target rate (too few VUs for the latency), so fewer requests were measured',
    evidence: `dropped_iterations ${dropped}${ratio !== undefined ? `, achieved ${(ratio * 100).toFixed(0)}% of ${cell.load.targetRate}/s` : ''}`,
  };
};

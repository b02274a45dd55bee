/**
 * Causes that say the client-side policy did not do what the config asks: the config never
 * reached the proxies, traffic went around the sidecar, the proxy retried nothing, or the
 * in-mesh cell failed like the external one.
 */
import { describeRetryOn, effectiveRetryPolicy } from '../../../istio/semantics/retry-policy.ts';
import type { LikelyCause } from '../../report-types.ts';
import { predictedSuccess } from '../prediction-check.ts';
import { twoProportionZTest } from '../statistics.ts';
import { againstPrediction, type CauseContext, type CauseRule, type CellFacts, num, observedSuccess } from './rule.ts';

export const configNotPropagated: CauseRule = ({ stage }) =>
  stage && stage.configVersion === undefined
    ? { code: 'config-not-propagated', message: 'the stage config was not confirmed on the proxies before load started', evidence: `stage ${stage.name} has no recorded configVersion` }
    : undefined;

/** In-mesh or gateway traffic that failed more than modelled: did the client-side proxy see it at all? */
function failedBehindClientProxy({ cell }: CauseContext): boolean {
  return cell.vantage !== 'external' && againstPrediction(cell) < 0 && (num(cell.failures.total) ?? 0) > 0;
}

export const bypassedSidecar: CauseRule = (context) => {
  const { cell } = context;
  if (!failedBehindClientProxy(context) || num(cell.proxy.counters.upstreamRequests) !== 0) return undefined;
  return {
    code: 'bypassed-sidecar',
    message: 'traffic bypassed the client sidecar: it saw no request for the destination, so no client-side policy applied',
    evidence: `upstream_rq_total 0 on the destination clusters while k6 sent ${num(cell.requests) ?? '?'} requests`,
  };
};

function topFailingStatus(cell: CellFacts): { status: string; count: number } | undefined {
  const byStatus = cell.failures.byStatus.value;
  if (!byStatus) return undefined;
  return Object.entries(byStatus)
    .filter(([status]) => status !== '0' && Number(status) >= 400)
    .map(([status, count]) => ({ status, count }))
    .sort((a, b) => b.count - a.count)[0];
}

export const noRetries: CauseRule = (context) => {
  const { cell, meshProfile } = context;
  const upstream = num(cell.proxy.counters.upstreamRequests);
  // upstream_rq_total 0 is bypassed-sidecar; not measured still lets the retry counter speak.
  if (!failedBehindClientProxy(context) || upstream === 0 || num(cell.proxy.counters.retries) !== 0) return undefined;
  const top = topFailingStatus(cell);
  // Istio's default conditions come from the Istio model, for the run's mesh profile.
  const defaults = describeRetryOn(effectiveRetryPolicy(undefined, meshProfile === 'istio-1.22' ? 'istio-1.22' : 'istio-1.24+').retryOn);
  return {
    code: 'no-retries',
    message: top
      ? `the proxy retried nothing: retryOn does not cover status ${top.status} (without retryOn, Istio retries only ${defaults}), or the retry policy did not reach the proxy`
      : 'the proxy retried nothing: retryOn does not cover these failures, or the retry policy did not reach the proxy',
    evidence: `upstream_rq_retry 0 with ${num(cell.failures.total) ?? 0} failed requests${top ? ` (${top.count} × ${top.status})` : ''}`,
  };
};

/**
 * In-mesh traffic that fails like external traffic (no significant difference) although
 * the model predicted otherwise: the client-side policy did not apply.
 */
export const policyNotApplied: CauseRule = (context) => {
  const { cell, sameStage } = context;
  if (cell.vantage !== 'in-mesh' || !failedBehindClientProxy(context)) return undefined;
  const external = sameStage.find((other) => other.vantage === 'external');
  if (!external?.errorRate.value || !cell.errorRate.value) return undefined;
  const predictedMesh = predictedSuccess(cell.prediction);
  const predictedExternal = predictedSuccess(external.prediction);
  if (predictedMesh === undefined || predictedExternal === undefined || Math.abs(predictedMesh - predictedExternal) < 0.01) return undefined;
  const a = cell.errorRate.value;
  const b = external.errorRate.value;
  const test = twoProportionZTest(a.count, a.total, b.count, b.total);
  if (test.pValue < 0.05) return undefined;
  return {
    code: 'policy-not-applied',
    message: 'in-mesh traffic failed like external traffic although the model expected the client-side policy to change it: the config did not propagate, or traffic bypassed the sidecar',
    evidence: `error rate in-mesh ${(a.rate * 100).toFixed(2)}% vs external ${(b.rate * 100).toFixed(2)}% (p = ${test.pValue.toFixed(2)})`,
  };
};

export const betterThanPredicted: CauseRule = ({ cell, meshProfile }): LikelyCause | undefined => {
  if (againstPrediction(cell) <= 0) return undefined;
  return {
    code: 'better-than-predicted',
    message: `more requests succeeded than modelled: the workload may fail less than declared, or a policy the model left out applied (mesh profile ${meshProfile})`,
    evidence: `observed success ${((observedSuccess(cell) ?? 0) * 100).toFixed(2)}% vs predicted ${((predictedSuccess(cell.prediction) ?? 0) * 100).toFixed(2)}%`,
  };
};

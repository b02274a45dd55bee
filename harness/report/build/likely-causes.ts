/**
 * Why a cell did not do what was configured or expected, chosen from the data the cell
 * recorded: proxy counters (did the sidecar retry at all? did it see the traffic?), the
 * failure breakdown (overflow, no healthy upstream, timeouts, resets), the load achieved,
 * whether the stage's config was confirmed on the proxies, and how the in-mesh cell
 * compares with the external one of the same stage. Each cause carries its evidence.
 */
import type { StageRecord } from '../../run/run-record.ts';
import type { CellReport, LikelyCause, Measured } from '../report-types.ts';
import { predictedSuccess } from './prediction-check.ts';
import { twoProportionZTest } from './statistics.ts';

/** Below this share of the target rate the load generator did not hold the open-model rate. */
export const MIN_ACHIEVED_RATIO = 0.9;

type CellFacts = Pick<CellReport, 'vantage' | 'failures' | 'proxy' | 'load' | 'prediction' | 'errorRate' | 'requests'>;

function num(measured: Measured): number | undefined {
  return measured.value === null ? undefined : measured.value;
}

function topFailingStatus(cell: CellFacts): { status: string; count: number } | undefined {
  const byStatus = cell.failures.byStatus.value;
  if (!byStatus) return undefined;
  return Object.entries(byStatus)
    .filter(([status]) => status !== '0' && Number(status) >= 400)
    .map(([status, count]) => ({ status, count }))
    .sort((a, b) => b.count - a.count)[0];
}

function observedSuccess(cell: CellFacts): number | undefined {
  return cell.errorRate.value ? 1 - cell.errorRate.value.rate : undefined;
}

export function findLikelyCauses(options: { cell: CellFacts; stage?: StageRecord; sameStage: CellFacts[]; meshProfile: string }): LikelyCause[] {
  const { cell, stage } = options;
  const causes: LikelyCause[] = [];
  const failed = num(cell.failures.total) ?? 0;
  const predicted = predictedSuccess(cell.prediction);
  const observed = observedSuccess(cell);
  const worseThanPredicted = predicted !== undefined && observed !== undefined && observed < predicted;
  const betterThanPredicted = predicted !== undefined && observed !== undefined && observed > predicted;
  const retries = num(cell.proxy.counters.retries);
  const upstream = num(cell.proxy.counters.upstreamRequests);

  if (stage && stage.configVersion === undefined) {
    causes.push({
      code: 'config-not-propagated',
      message: 'the stage config was not confirmed on the proxies before load started',
      evidence: `stage ${stage.name} has no recorded configVersion`,
    });
  }

  if (cell.vantage !== 'external' && worseThanPredicted && failed > 0) {
    if (upstream === 0) {
      causes.push({
        code: 'bypassed-sidecar',
        message: 'traffic bypassed the client sidecar: it saw no request for the destination, so no client-side policy applied',
        evidence: `upstream_rq_total 0 on the destination clusters while k6 sent ${num(cell.requests) ?? '?'} requests`,
      });
    } else if (retries === 0) {
      const top = topFailingStatus(cell);
      causes.push({
        code: 'no-retries',
        message: top
          ? `the proxy retried nothing: retryOn does not cover status ${top.status} (without retryOn, Istio's default retries only connect-failure, refused-stream, unavailable, cancelled${options.meshProfile === 'istio-1.22' ? ' and 503' : ''}), or the retry policy did not reach the proxy`
          : 'the proxy retried nothing: retryOn does not cover these failures, or the retry policy did not reach the proxy',
        evidence: `upstream_rq_retry 0 with ${failed} failed requests${top ? ` (${top.count} × ${top.status})` : ''}`,
      });
    }
    const inMeshLikeExternal = cell.vantage === 'in-mesh' ? behavesLikeExternal(cell, options.sameStage) : undefined;
    if (inMeshLikeExternal) causes.push(inMeshLikeExternal);
  }

  const exceeded = num(cell.proxy.counters.retryLimitExceeded) ?? 0;
  if ((retries ?? 0) > 0 && exceeded > 0) {
    causes.push({
      code: 'retries-exhausted',
      message: 'retries ran out: attempts is too low for the failure rate',
      evidence: `upstream_rq_retry ${retries}, upstream_rq_retry_limit_exceeded ${exceeded}`,
    });
  }
  const perTry = num(cell.proxy.counters.perTryTimeouts) ?? 0;
  if (perTry > 0) {
    causes.push({
      code: 'per-try-timeouts',
      message: 'per-try timeouts abandoned attempts (retried only when retryOn has 5xx, gateway-error or reset)',
      evidence: `upstream_rq_per_try_timeout ${perTry}`,
    });
  }
  const routeTimeouts = num(cell.proxy.counters.routeTimeouts) ?? 0;
  if (routeTimeouts > 0) {
    causes.push({ code: 'route-timeouts', message: 'the route timeout answered 504 before the upstream did', evidence: `upstream_rq_timeout ${routeTimeouts}` });
  }
  const overflow = num(cell.failures.overflow503) ?? 0;
  if (overflow > 0) {
    causes.push({
      code: 'circuit-breaker-overflow',
      message: 'the circuit breaker rejected requests over its connection-pool limits (503, never retried)',
      evidence: `${overflow} overflow 503s (${cell.failures.overflow503.value !== null ? cell.failures.overflow503.source : ''})`,
    });
  }
  const noHealthy = num(cell.failures.noHealthyUpstream) ?? 0;
  if (noHealthy > 0) {
    causes.push({
      code: 'no-healthy-upstream',
      message: 'outlier detection ejected every host: requests got 503 no healthy upstream',
      evidence: `${noHealthy} requests flagged UH`,
    });
  }
  const aborts = num(cell.failures.injectedAborts) ?? 0;
  if (aborts > 0) {
    causes.push({ code: 'injected-aborts', message: 'fault injection aborted requests (never retried)', evidence: `${aborts} injected aborts` });
  }
  const timeouts = num(cell.failures.timeouts) ?? 0;
  if (timeouts > 0) {
    causes.push({
      code: 'client-timeouts',
      message: "the load generator's own request timeout fired before any answer",
      evidence: `${timeouts} requests with k6 error code 1050`,
    });
  }
  const connection = num(cell.failures.connectionFailures) ?? 0;
  if (connection > 0) {
    causes.push({
      code: 'connection-failures',
      message: 'connections were refused, reset or closed without an HTTP answer (e.g. mTLS STRICT against a plaintext client, or the app resetting)',
      evidence: `${connection} requests with status 0 (k6 codes 1000/1211/1212/1220)`,
    });
  }
  const dropped = num(cell.load.droppedIterations) ?? 0;
  const ratio = num(cell.load.achievedRatio);
  if (dropped > 0 || (ratio !== undefined && ratio < MIN_ACHIEVED_RATIO)) {
    causes.push({
      code: 'load-not-held',
      message: 'the load generator did not hold the target rate (too few VUs for the latency), so fewer requests were measured',
      evidence: `dropped_iterations ${dropped}${ratio !== undefined ? `, achieved ${(ratio * 100).toFixed(0)}% of ${cell.load.targetRate}/s` : ''}`,
    });
  }
  if (betterThanPredicted) {
    causes.push({
      code: 'better-than-predicted',
      message: `more requests succeeded than modelled: the workload may fail less than declared, or a policy the model left out applied (mesh profile ${options.meshProfile})`,
      evidence: `observed success ${(observed! * 100).toFixed(2)}% vs predicted ${(predicted! * 100).toFixed(2)}%`,
    });
  }
  return causes;
}

/**
 * In-mesh traffic that fails like external traffic (no significant difference) although
 * the model predicted otherwise: the client-side policy did not apply.
 */
function behavesLikeExternal(cell: CellFacts, sameStage: CellFacts[]): LikelyCause | undefined {
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
}

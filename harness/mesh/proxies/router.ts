/**
 * Envoy's router filter for one request on one cluster (mesh-semantics §1, §2, §4, §5):
 * host choice, circuit breakers, tries with `x-envoy-attempt-count`, per-try and route
 * timeouts, retry decisions with jittered back-off and `maxRetries`, outlier detection
 * feedback, and what the caller gets once tries are exhausted.
 */
import type http from 'node:http';
import type { Cancellation } from './cancellation.ts';
import { startDeadlineTimer } from './deadline-timer.ts';
import type { Random } from '../shared/random.ts';
import { type AttemptOutcome, backoffMs, isRetriable, type RetryPolicy } from '../control-plane/retry-policy.ts';
import { countResponseCode, type ProxyStats } from './stats.ts';
import type { Endpoint } from '../control-plane/topology.ts';
import { type AttemptHandle, type AttemptResult, startAttempt, type UpstreamRequest } from './upstream-attempt.ts';
import type { UpstreamCluster } from './upstream-cluster.ts';
import type { Lease } from './upstream-pool.ts';

export const UPSTREAM_TIMEOUT_BODY = 'upstream request timeout';
export const NO_HEALTHY_UPSTREAM_BODY = 'no healthy upstream';
export const OVERFLOW_BODY = 'upstream connect error or disconnect/reset before headers. reset reason: overflow';

export interface ForwardOptions {
  cluster: UpstreamCluster;
  retryPolicy?: RetryPolicy;
  /** Route timeout; undefined = none (Istio's default). */
  timeoutMs?: number;
  request: UpstreamRequest;
  random: Random;
  stats: ProxyStats;
  /** Aborted when the downstream goes away: stop trying. */
  signal: Cancellation;
  /** Set `x-envoy-attempt-count` on each try (Istio does on outbound routes, not inbound). */
  attemptCountHeader: boolean;
  /** The worker thread that owns the downstream connection: its connection pool serves the request. */
  worker: number;
}

export interface ForwardResult {
  /** Set when an upstream response is relayed; its body has not been read yet. */
  response?: http.IncomingMessage;
  /** Set for a local reply. */
  local?: { status: number; body: string; headers?: Record<string, string> };
  flags: string[];
  attempts: number;
  endpoint?: Endpoint;
}

type TryResult = AttemptResult | { outcome: { kind: 'route-timeout' } } | { outcome: { kind: 'downstream-gone' } };

function resetBody(reason: string, retried: boolean): string {
  return `upstream connect error or disconnect/reset before headers. ${retried ? 'retried and the latest reset reason' : 'reset reason'}: ${reason}`;
}

/** The status outlier detection sees for an attempt: local failures count as 503, timeouts as 504. */
function outlierStatus(outcome: AttemptOutcome): number {
  switch (outcome.kind) {
    case 'response':
      return outcome.status;
    case 'per-try-timeout':
      return 504;
    default:
      return 503;
  }
}

function sleep(ms: number, signal: Cancellation): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    const off = signal.subscribe(done);
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

type Granted = Lease | 'overflow';

function giveBack(granted: Granted): void {
  if (granted !== 'overflow') granted.release();
}

/** The lease (or overflow), or undefined when the route timer expires or the downstream leaves first. Clears its timer either way. */
function waitForLease(lease: Promise<Granted>, timeLeftMs: number | undefined, signal: Cancellation): Promise<Granted | undefined> {
  if (timeLeftMs === undefined && !signal.aborted) {
    // Common case (no route timeout): only a downstream disconnect can cut the wait short.
    return new Promise((resolve) => {
      let gone = false;
      const off = signal.subscribe(() => {
        gone = true;
        resolve(undefined);
      });
      lease.then((granted) => {
        off();
        if (gone) giveBack(granted);
        else resolve(granted);
      });
    });
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: Granted | undefined) => {
      settled = true;
      cancelTimer();
      off();
      resolve(value);
    };
    const cancelTimer = startDeadlineTimer(timeLeftMs ?? 0, () => finish(undefined));
    const off = signal.subscribe(() => finish(undefined));
    if (signal.aborted) finish(undefined);
    // A lease granted just as the wait ended (too late to cancel) goes straight back.
    lease.then((granted) => (settled ? giveBack(granted) : finish(granted)));
  });
}

/** Runs one try under the per-try timer and what is left of the route timer. */
function runTry(handle: AttemptHandle, perTryMs: number | undefined, routeLeftMs: number | undefined, signal: Cancellation): Promise<TryResult> {
  return new Promise((resolve) => {
    const cancelTimers: (() => void)[] = [];
    let settled = false;
    const finish = (result: TryResult, abort: boolean) => {
      if (settled) return;
      settled = true;
      for (const cancel of cancelTimers) cancel();
      off();
      if (abort) handle.abort();
      resolve(result);
    };
    const off = signal.subscribe(() => finish({ outcome: { kind: 'downstream-gone' } }, true));
    // The route timer wins a tie: Envoy reports the whole request as timed out.
    if (routeLeftMs !== undefined) cancelTimers.push(startDeadlineTimer(routeLeftMs, () => finish({ outcome: { kind: 'route-timeout' } }, true)));
    if (perTryMs !== undefined) {
      // Armed when the connection is ready (Envoy's onPoolReady); the route timer already covers connecting.
      handle.ready.then(() => {
        if (!settled) cancelTimers.push(startDeadlineTimer(perTryMs, () => finish({ outcome: { kind: 'per-try-timeout' } }, true)));
      });
    }
    handle.done.then((result) => finish(result, false));
  });
}

export async function forward(options: ForwardOptions): Promise<ForwardResult> {
  const { cluster, retryPolicy: policy, stats, signal } = options;
  const prefix = cluster.statPrefix;
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : undefined;
  const timeLeft = () => (deadline === undefined ? undefined : deadline - Date.now());
  const tried = new Set<Endpoint>();
  const routeTimeout = (attempts: number, endpoint?: Endpoint): ForwardResult => {
    stats.inc(`${prefix}upstream_rq_timeout`);
    return { local: { status: 504, body: UPSTREAM_TIMEOUT_BODY }, flags: ['UT'], attempts, endpoint };
  };
  // Envoy holds a retry slot (`maxRetries`) from one retry decision to the next (mesh-semantics §1).
  let holdsRetrySlot = false;
  const releaseRetrySlot = () => {
    if (holdsRetrySlot) cluster.breakers.retries--;
    holdsRetrySlot = false;
  };
  const overflow = (attempts: number, endpoint: Endpoint): ForwardResult => {
    // Overflow is a local reply: never retried, never seen by outlier detection.
    stats.inc(`${prefix}upstream_rq_pending_overflow`);
    return { local: { status: 503, body: OVERFLOW_BODY, headers: { 'x-envoy-overloaded': 'true' } }, flags: ['UO'], attempts, endpoint };
  };
  try {
    for (let attempt = 1; ; attempt++) {
      const choice = cluster.pick(tried);
      if (choice.kind === 'no-healthy-upstream') {
        stats.inc(`${prefix}upstream_cx_none_healthy`);
        return { local: { status: 503, body: NO_HEALTHY_UPSTREAM_BODY }, flags: ['UH'], attempts: attempt - 1 };
      }
      const endpoint = choice.endpoint;
      tried.add(endpoint);

      const acquisition = cluster.pool(options.worker).acquire(endpoint);
      if (acquisition.kind === 'overflow') return overflow(attempt - 1, endpoint);
      const lease = await waitForLease(acquisition.lease, timeLeft(), signal);
      if (!lease) {
        acquisition.cancel();
        if (signal.aborted) return { local: { status: 0, body: '' }, flags: ['DC'], attempts: attempt - 1, endpoint };
        return routeTimeout(attempt - 1, endpoint);
      }
      if (lease === 'overflow') return overflow(attempt - 1, endpoint);
      cluster.trackActive(endpoint, 1);
      let leased = true;
      const release = () => {
        if (!leased) return;
        leased = false;
        lease.release();
        cluster.trackActive(endpoint, -1);
      };

      stats.inc(`${prefix}upstream_rq_total`);
      const request = options.attemptCountHeader
        ? { ...options.request, headers: { ...options.request.headers, 'x-envoy-attempt-count': String(attempt) } }
        : options.request;
      const handle = startAttempt(lease, request);
      const result = await runTry(handle, policy?.perTryTimeoutMs, timeLeft(), signal);
      const outcome = result.outcome;
      const response = 'response' in result ? result.response : undefined;
      if (response) response.once('close', release);
      else release();

      if (outcome.kind === 'downstream-gone') return { local: { status: 0, body: '' }, flags: ['DC'], attempts: attempt, endpoint };
      if (outcome.kind === 'route-timeout') {
        cluster.record(endpoint, 504);
        return routeTimeout(attempt, endpoint);
      }
      cluster.record(endpoint, outlierStatus(outcome));
      if (outcome.kind === 'response') countResponseCode(stats, `${prefix}upstream_rq`, outcome.status);
      if (outcome.kind === 'per-try-timeout') stats.inc(`${prefix}upstream_rq_per_try_timeout`);
      if (outcome.kind === 'connect-failure') stats.inc(`${prefix}upstream_cx_connect_fail`);

      const retriable = policy !== undefined && isRetriable(policy, outcome);
      releaseRetrySlot();
      const final = (flags: string[]): ForwardResult => finalResult(result as AttemptResult, attempt, endpoint, flags);
      if (!retriable) {
        if (attempt > 1) stats.inc(`${prefix}upstream_rq_retry_success`);
        return final([]);
      }
      if (attempt > policy.numRetries) {
        stats.inc(`${prefix}upstream_rq_retry_limit_exceeded`);
        return final(policy.numRetries > 0 ? ['URX'] : []);
      }
      if (cluster.breakers.retries >= cluster.breakers.limits.maxRetries) {
        stats.inc(`${prefix}upstream_rq_retry_overflow`);
        return final([]);
      }
      cluster.breakers.retries++;
      holdsRetrySlot = true;
      stats.inc(`${prefix}upstream_rq_retry`);
      if (response) {
        // Envoy retries a response that has a body by resetting its stream (mesh-semantics §1;
        // router onUpstreamHeaders), and a reset stream closes its HTTP/1.1 connection: the retry
        // goes out on another connection, a new (TLS-resumed) one when none is idle.
        if (hasBody(response, request.method)) {
          handle.abort();
          release();
        } else await drain(response);
      }
      const wait = backoffMs(policy, attempt, options.random);
      const leftNow = timeLeft();
      if (leftNow !== undefined && wait >= leftNow) {
        await sleep(leftNow, signal);
        if (signal.aborted) return { local: { status: 0, body: '' }, flags: ['DC'], attempts: attempt, endpoint };
        return routeTimeout(attempt, endpoint);
      }
      await sleep(wait, signal);
      if (signal.aborted) return { local: { status: 0, body: '' }, flags: ['DC'], attempts: attempt, endpoint };
    }
  } finally {
    releaseRetrySlot();
  }
}

/** Whether the response headers left a body to come (Envoy's `end_stream` false on headers). */
function hasBody(response: http.IncomingMessage, method: string): boolean {
  const status = response.statusCode ?? 0;
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return false;
  return response.headers['content-length'] !== '0';
}

function drain(response: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (response.readableEnded || response.destroyed) return resolve();
    response.once('end', resolve);
    response.once('close', resolve);
    response.resume();
  });
}

function finalResult(result: AttemptResult, attempts: number, endpoint: Endpoint, extraFlags: string[]): ForwardResult {
  const outcome = result.outcome;
  const retried = attempts > 1;
  switch (outcome.kind) {
    case 'response':
      return { response: result.response, flags: extraFlags, attempts, endpoint };
    case 'per-try-timeout':
      return { local: { status: 504, body: UPSTREAM_TIMEOUT_BODY }, flags: ['UT', ...extraFlags], attempts, endpoint };
    case 'connect-failure':
      return { local: { status: 503, body: resetBody(outcome.reason, retried) }, flags: ['UF', ...extraFlags], attempts, endpoint };
    case 'reset':
      return { local: { status: 503, body: resetBody(outcome.reason, retried) }, flags: ['UC', ...extraFlags], attempts, endpoint };
  }
}

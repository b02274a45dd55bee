/**
 * Closed-form outcome of one request sent by a proxy to a workload, with retries and
 * timeouts, given the app's declared behaviour. See MODEL.md for the derivation.
 *
 * One attempt, in the order the sample app draws it: hang (h); otherwise the answer is
 * ready after latency L, and is then a reset (r), a failure with `failureStatus` (f), or a
 * success. With a cut-off c on the attempt (per-try timeout, route timeout or the
 * client's own timeout, whichever is shortest):
 *
 *   on time    a = (1 − h) · F(c)             F = latency CDF
 *   timed out  t = h + (1 − h) · (1 − F(c))
 *   reset      a · r                          reaches the client sidecar as a 503
 *   failure    a · (1 − r) · f
 *   success    s = a · (1 − r) · (1 − f)
 *
 * q = the probability that an attempt fails *in a way retryOn retries* (failure status
 * covered, 503 covered for resets, per-try timeout covered). With N = attempts + 1 tries, each
 * independent, the request succeeds when some try succeeds before a non-retried failure:
 *
 *   P(success) = s · (1 + q + … + q^(N−1)) = s · (1 − q^N) / (1 − q)
 *
 * which is `1 − p^N` when every failure is retried (q = 1 − s = p) and `s` when none is.
 */
import { latencyCdf, practicalMaxLatency } from './latency-distribution.ts';
import { retriesPerTryTimeout, retriesStatus } from '../semantics/retry-on.ts';
import type { EffectiveRetryPolicy } from '../semantics/retry-policy.ts';
import type { AppBehaviour } from '../../model/plan.ts';

export interface UpstreamOutcome {
  /** Exact when the timeouts cannot cut a retry sequence short; otherwise bounds. */
  success?: number;
  bounds?: { min: number; max: number };
  /** Requests that end without an HTTP answer (the client's own timeout fired). */
  networkError?: number;
  formula: string;
  notes: string[];
}

export interface UpstreamOptions {
  behaviour: AppBehaviour;
  policy: EffectiveRetryPolicy;
  /** VirtualService route timeout (undefined or 0 = none). */
  routeTimeoutMs?: number;
  /** Time the client still waits for this request (its timeout minus any injected delay). */
  clientBudgetMs: number;
  /** False on paths without a client-side retry policy, where "not retried" notes would only confuse. */
  describeRetries?: boolean;
}

type CutKind = 'per-try timeout' | 'route timeout' | 'client timeout';

/** Envoy's back-off: retry k waits up to min(2^(k−1)·25 ms, 250 ms). */
export function maxBackoffMs(retries: number, baseMs = 25): number {
  let total = 0;
  for (let k = 1; k <= retries; k++) total += Math.min(2 ** (k - 1) * baseMs, 10 * baseMs);
  return total;
}

/** Where one try is cut off: the shortest of per-try timeout, route timeout and the client's remaining time. */
export interface AttemptCut {
  cutMs: number;
  cutKind: CutKind;
  perTryMs?: number;
  routeTimeoutMs?: number;
  notes: string[];
}

export function attemptCut(options: Pick<UpstreamOptions, 'policy' | 'routeTimeoutMs' | 'clientBudgetMs'>): AttemptCut {
  const { policy } = options;
  const notes: string[] = [];
  const routeTimeoutMs = options.routeTimeoutMs && options.routeTimeoutMs > 0 ? options.routeTimeoutMs : undefined;
  let perTryMs = policy.attempts > 0 ? policy.perTryTimeoutMs : undefined;
  if (perTryMs !== undefined && routeTimeoutMs !== undefined && perTryMs >= routeTimeoutMs) {
    notes.push(`perTryTimeout ${perTryMs}ms ≥ route timeout ${routeTimeoutMs}ms: Envoy ignores the per-try timeout`);
    perTryMs = undefined;
  }
  const cuts: [number, CutKind][] = [
    [perTryMs ?? Number.POSITIVE_INFINITY, 'per-try timeout'],
    [routeTimeoutMs ?? Number.POSITIVE_INFINITY, 'route timeout'],
    [options.clientBudgetMs, 'client timeout'],
  ];
  const [cutMs, cutKind] = cuts.reduce((best, cut) => (cut[0] < best[0] ? cut : best));
  return { cutMs, cutKind, perTryMs, routeTimeoutMs, notes };
}

/** What one try to one host ends in, as probabilities (see the table at the top of this file). */
export interface AttemptShares {
  /** 2xx/3xx answer. */
  success: number;
  /** A failure that `retryOn` retries. */
  retried: number;
  /** Cut by the client's own timeout: no HTTP answer at all. */
  networkError: number;
  timedOut: number;
  retryStatus: boolean;
  /** Whether the 503 the server sidecar makes of an app's reset is retried. */
  retryReset: boolean;
  retryTimeout: boolean;
}

/**
 * One try. An app that resets the connection after reading the request never reaches the
 * client sidecar as a reset: the server sidecar answers 503 "upstream connect error or
 * disconnect/reset before headers" (docs/mesh-semantics.md §1), so whether it is retried
 * depends on 503 being covered (`5xx`, `gateway-error`, `retriable-status-codes` with 503),
 * not on `reset`.
 */
export function attemptShares(behaviour: AppBehaviour, policy: EffectiveRetryPolicy, cut: AttemptCut): AttemptShares {
  const h = behaviour.hangRate;
  const r = behaviour.resetRate;
  const f = behaviour.failureRate;
  const onTime = (1 - h) * latencyCdf(behaviour.latency, cut.cutMs);
  const timedOut = 1 - onTime;
  const reset = onTime * r;
  const failure = onTime * (1 - r) * f;
  const success = onTime * (1 - r) * (1 - f);
  const retryStatus = policy.attempts > 0 && retriesStatus(policy.retryOn, behaviour.failureStatus);
  const retryReset = policy.attempts > 0 && retriesStatus(policy.retryOn, RESET_STATUS);
  const retryTimeout = policy.attempts > 0 && cut.cutKind === 'per-try timeout' && retriesPerTryTimeout(policy.retryOn);
  const retried = (retryStatus ? failure : 0) + (retryReset ? reset : 0) + (retryTimeout ? timedOut : 0);
  // A try cut by the client's own timeout is never retried and has no HTTP answer.
  const networkError = cut.cutKind === 'client timeout' ? timedOut : 0;
  return { success, retried, networkError, timedOut, retryStatus, retryReset, retryTimeout };
}

/** The status the server sidecar answers with when the app resets the connection. */
export const RESET_STATUS = 503;

/** The longest a whole retry sequence can last, to tell whether the route or client timeout can cut it short. */
export function longestSequenceMs(options: { tries: number; perTryMs?: number; behaviours: AppBehaviour[]; retries: number }): number {
  const longestAnswer = Math.max(...options.behaviours.map((b) => (b.hangRate > 0 ? Number.POSITIVE_INFINITY : practicalMaxLatency(b.latency))));
  const longestTryMs = Math.min(options.perTryMs ?? Number.POSITIVE_INFINITY, longestAnswer);
  return options.tries * longestTryMs + maxBackoffMs(options.retries);
}

export function upstreamOutcome(options: UpstreamOptions): UpstreamOutcome {
  const { behaviour, policy } = options;
  const cut = attemptCut(options);
  const notes = [...cut.notes];
  if (options.clientBudgetMs <= 0) {
    return { success: 0, networkError: 1, formula: '0', notes: [...notes, 'the client gives up before the injected delay ends'] };
  }
  const { cutMs, cutKind, perTryMs, routeTimeoutMs } = cut;
  const shares = attemptShares(behaviour, policy, cut);
  const { success: s, retried: q, timedOut, retryStatus, retryReset, retryTimeout } = shares;
  const tries = policy.attempts + 1;
  const geometric = q >= 1 ? tries : (1 - q ** tries) / (1 - q);
  const success = s * geometric;

  if (options.describeRetries !== false) {
    if (behaviour.failureRate > 0) notes.push(`${behaviour.failureStatus} ${retryStatus ? 'is' : 'is not'} retried by retryOn`);
    if (behaviour.resetRate > 0) notes.push(`resets by the app reach the client sidecar as ${RESET_STATUS} from the server sidecar, which ${retryReset ? 'is' : 'is not'} retried by retryOn`);
  } else if (behaviour.resetRate > 0) {
    notes.push(`resets by the app are answered ${RESET_STATUS} by the server sidecar`);
  }
  if (timedOut > 0) notes.push(`${round(timedOut)} of tries end at the ${cutKind} (${cutMs}ms)${retryTimeout ? ', and are retried' : options.describeRetries === false ? '' : ', not retried'}`);
  if (behaviour.slowStart) notes.push('slow start is not modelled: the first requests after start are slower than predicted');

  const formula = describeFormula({ s, q, tries, retried: q > 0 });
  const networkError = shares.networkError * geometric;

  // The route timeout (or the client's) covers all tries and back-offs: exact only when the
  // longest possible retry sequence fits inside it.
  const overallCapMs = Math.min(routeTimeoutMs ?? Number.POSITIVE_INFINITY, options.clientBudgetMs);
  const sequenceMs = longestSequenceMs({ tries, perTryMs, behaviours: [behaviour], retries: policy.attempts });
  if (q > 0 && tries > 1 && sequenceMs > overallCapMs) {
    notes.push(sequenceCutNote({ routeTimeoutMs, clientBudgetMs: options.clientBudgetMs, sequenceMs }));
    return { bounds: { min: s, max: success }, formula: `between ${round(s)} (first try only) and ${formula}`, notes };
  }
  return { success, networkError, formula, notes };
}

export function sequenceCutNote(options: { routeTimeoutMs?: number; clientBudgetMs: number; sequenceMs: number }): string {
  const { routeTimeoutMs, clientBudgetMs, sequenceMs } = options;
  const capMs = Math.min(routeTimeoutMs ?? Number.POSITIVE_INFINITY, clientBudgetMs);
  return `the ${routeTimeoutMs !== undefined && routeTimeoutMs <= clientBudgetMs ? 'route' : 'client'} timeout (${capMs}ms) may cut the retry sequence short (it can last ${Number.isFinite(sequenceMs) ? `${Math.round(sequenceMs)}ms` : 'indefinitely'}): bounds only`;
}

function describeFormula(options: { s: number; q: number; tries: number; retried: boolean }): string {
  const { s, q, tries } = options;
  if (!options.retried || tries === 1) return s === 1 ? '1' : s === 0 ? '0' : `1 - ${round(1 - s)}`;
  if (Math.abs(q - (1 - s)) < 1e-12) return `1 - ${round(q)}^(${tries - 1}+1)`;
  return `${round(s)} · (1 - ${round(q)}^(${tries - 1}+1)) / (1 - ${round(q)})`;
}

export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

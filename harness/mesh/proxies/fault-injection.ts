/**
 * The fault filter's decision for one request (mesh-semantics §3): first the delay, then,
 * after it, independently the abort. A missing percentage means 0 %; the legacy integer
 * `delay.percent` only counts when `percentage` is absent.
 */
import type { HttpFaultInjection } from '../../model/istio-objects.ts';
import { optionalDurationMs } from '../control-plane/duration.ts';
import { chance, type Random } from '../shared/random.ts';

function delayShare(fault: HttpFaultInjection): number {
  const delay = fault.delay;
  if (!delay) return 0;
  if (delay.percentage) return delay.percentage.value / 100;
  if (delay.percent !== undefined) return delay.percent / 100;
  return 0;
}

/** Milliseconds to delay this request, or 0. */
export function decideDelay(fault: HttpFaultInjection | undefined, random: Random): number {
  if (!fault?.delay) return 0;
  const ms = optionalDurationMs(fault.delay.fixedDelay) ?? 0;
  return ms > 0 && chance(random, delayShare(fault)) ? ms : 0;
}

/** Status to abort this request with, or undefined. Drawn after the delay has elapsed. */
export function decideAbort(fault: HttpFaultInjection | undefined, random: Random): number | undefined {
  const abort = fault?.abort;
  if (!abort?.httpStatus || !abort.percentage) return undefined;
  return chance(random, abort.percentage.value / 100) ? abort.httpStatus : undefined;
}

export const FAULT_ABORT_BODY = 'fault filter abort';

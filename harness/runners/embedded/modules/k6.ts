/** `k6`: check, group, sleep, fail, randomSeed — bound to one VU. */
import { performance } from 'node:perf_hooks';
import { IterationInterrupted, PortabilityError } from '../errors.ts';
import type { Vu } from '../vu.ts';

export function createK6Module(vu: Vu) {
  const { registry, builtin } = vu.run;

  function check(value: unknown, checks: Record<string, unknown>, tags?: Record<string, unknown>): boolean {
    let all = true;
    // for-in over own names: the same order as Object.entries, without an array per call.
    for (const name in checks) {
      if (!Object.hasOwn(checks, name)) continue;
      const predicate = checks[name];
      const outcome = typeof predicate === 'function' ? predicate(value) : predicate;
      if (isThenable(outcome)) {
        throw new PortabilityError(`check "${name}" returned a Promise: k6 rejects async functions in check(); make the check synchronous`);
      }
      const ok = Boolean(outcome);
      const entry = vu.group.check(name);
      if (ok) entry.passes++;
      else entry.fails++;
      registry.add(builtin.checks, ok ? 1 : 0, vu.checkTags(name, tags));
      if (!ok) all = false;
    }
    return all;
  }

  function group<T>(name: string, fn: () => T): T {
    if (typeof name !== 'string' || name.includes('::')) throw new Error(`group name ${JSON.stringify(name)} must be a string without "::"`);
    if (typeof fn !== 'function') throw new Error(`group "${name}" needs a function`);
    const parent = vu.group;
    const child = parent.group(name);
    vu.group = child;
    const start = performance.now();
    try {
      const result = fn();
      if (isThenable(result)) {
        throw new PortabilityError(`group "${name}" got an async function: k6 rejects async functions in group(); make it synchronous`);
      }
      return result;
    } finally {
      vu.group = parent;
      registry.add(builtin.group_duration, performance.now() - start, { ...vu.tags, group: child.path });
    }
  }

  /** k6 blocks the VU; here it is a promise the scenario awaits. Seconds, like k6. */
  function sleep(seconds: number): Promise<void> {
    const ms = Math.max(0, Number(seconds) * 1000);
    const delay = interruptibleDelay(vu.interrupt.signal, ms);
    // A sleep nobody awaited must not crash the process when its VU is interrupted.
    delay.catch(() => {});
    return delay;
  }

  function fail(message = ''): never {
    throw new Error(message);
  }

  function randomSeed(_seed: number): void {
    // Math.random cannot be seeded in V8; k6 seeds its own generator. Accepted so
    // portable scripts load, documented as a difference.
  }

  return { check, group, sleep, fail, randomSeed };
}

export function interruptibleDelay(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new IterationInterrupted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new IterationInterrupted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

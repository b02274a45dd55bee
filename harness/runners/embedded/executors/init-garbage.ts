/**
 * A full garbage collection between a scenario's VU initialization and its clock start
 * (on a worker thread: see executors/arrival-rate.ts).
 * Initializing a pool of VUs (each a fresh instance of the script) leaves megabytes of
 * short-lived objects behind; left alone, V8 collects them in the run's first few hundred
 * milliseconds, while the first iterations open their connections. At 5,000 arrivals a
 * second those pauses (measured 4-12 ms each, several in a row) used up the pre-allocated
 * VUs and dropped iterations that k6, whose VUs are ready before the test starts and whose
 * runtime does not pause like this, would have run. Collected here, they cost 12-17 ms
 * before the clock instead of drops after it.
 *
 * `gc` is exposed the way test runners do it: a V8 flag set at run time makes it available
 * to contexts created afterwards, so it is fetched from a new context. Scripts run in the
 * main realm and never see it. Where that is refused, nothing is collected: only speed is
 * at stake.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

export function collectInitGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      collect = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

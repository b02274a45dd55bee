/**
 * Tears down a VU's requests in flight when its interrupt signal aborts. One 'abort'
 * listener per signal serves every request on it: adding and removing an EventTarget
 * listener per request cost more CPU than the rest of the request bookkeeping together.
 */

export interface Interruptible {
  interrupted(): void;
}

const inFlight = new WeakMap<AbortSignal, Set<Interruptible>>();

/** Calls `target.interrupted()` when `signal` aborts, unless unwatched first. The signal must not be aborted yet. */
export function watchInterrupt(signal: AbortSignal, target: Interruptible): void {
  let targets = inFlight.get(signal);
  if (!targets) {
    const created = new Set<Interruptible>();
    inFlight.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        // Copied first: an interrupted request unwatches itself (and a retry may watch anew).
        const pending = [...created];
        created.clear();
        for (const entry of pending) entry.interrupted();
      },
      { once: true },
    );
    targets = created;
  }
  targets.add(target);
}

export function unwatchInterrupt(signal: AbortSignal, target: Interruptible): void {
  inFlight.get(signal)?.delete(target);
}

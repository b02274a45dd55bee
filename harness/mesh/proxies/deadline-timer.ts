/**
 * The timers behind per-try and route timeouts, made to expire the way Envoy's do.
 *
 * Envoy runs on libevent, whose loop first collects the sockets that became readable and
 * only then the timers that expired, and runs their callbacks in that order: a response
 * that had already arrived when a timeout fell due is handled first, and the timeout never
 * fires. Node's loop does the opposite (expired timers run before any I/O is read), and it
 * keeps timer time in whole milliseconds, so a 5 ms timer may fire after 4.x ms (measured:
 * 4.3 ms). On a mesh whose proxies share one busy loop, both turned answers that were
 * already there into timeouts.
 *
 * Here a timer expires only once its full duration has passed on the clock, and only after
 * the I/O that is ready at that moment has been read (`setImmediate` runs after the poll
 * phase of the same loop iteration).
 */

/** Calls `onExpire` once, no earlier than `ms` from now, after I/O already pending then; returns the cancel function. */
export function startDeadlineTimer(ms: number, onExpire: () => void): () => void {
  const due = performance.now() + Math.max(0, ms);
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const check = () => {
    timer = undefined;
    const left = due - performance.now();
    if (left > 0) {
      timer = setTimeout(check, Math.ceil(left));
      return;
    }
    immediate = setImmediate(() => {
      immediate = undefined;
      onExpire();
    });
  };
  timer = setTimeout(check, Math.max(0, ms));
  return () => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };
}

/**
 * `k6/timers` (and the globals of k6 >= 0.51). Node's timers keep the event loop the VU
 * runs on, which is what k6's per-VU event loop gives a script.
 */
export function createTimersModule() {
  return {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
  };
}

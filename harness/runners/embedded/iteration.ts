/**
 * One iteration of a VU: call the scenario's exec function with the setup data, then
 * emit k6's per-iteration samples (iterations, iteration_duration, data_sent,
 * data_received). A script error is logged and the iteration not counted, as in k6; a
 * portability error stops the whole run, since every iteration would hit it.
 */
import { performance } from 'node:perf_hooks';
import { IterationInterrupted, PortabilityError, TestAborted } from './errors.ts';
import { isThenable } from './modules/k6.ts';
import type { Vu } from './vu.ts';

export async function runIteration(vu: Vu, exec: string): Promise<void> {
  const run = vu.run;
  const { registry, builtin } = run;
  vu.iter++;
  if (vu.scenario) vu.scenario.iterationsStarted++;
  vu.bytesSent = 0;
  vu.bytesReceived = 0;
  vu.group = run.rootGroup;
  const start = performance.now();
  let completed = false;
  try {
    const fn = vu.exports[exec] as (data: unknown) => unknown;
    const result = fn(vu.setupData);
    if (isThenable(result)) await result;
    completed = true;
  } catch (error) {
    const interruptReason = vu.interrupt.signal.aborted && error === vu.interrupt.signal.reason;
    if (error instanceof IterationInterrupted || error instanceof TestAborted || interruptReason) {
      // Counted as interrupted below (a request torn down by the interrupt rejects with its
      // reason); test.abort already asked the run to stop.
    } else if (error instanceof PortabilityError) {
      run.requestStop('script-exception', error.message, true);
    } else {
      run.logError(describeError(error));
    }
  }
  vu.group = run.rootGroup;
  if (vu.interrupt.signal.aborted && !completed) {
    run.iterationsInterrupted++;
    return;
  }
  const tags = vu.iterationTags;
  registry.add(builtin.data_sent, vu.bytesSent, tags);
  registry.add(builtin.data_received, vu.bytesReceived, tags);
  if (!completed) {
    run.iterationsInterrupted++;
    return;
  }
  run.iterationsCompleted++;
  registry.add(builtin.iterations, 1, tags);
  registry.add(builtin.iteration_duration, performance.now() - start, tags);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return `Uncaught (in promise) ${String(error)}`;
}

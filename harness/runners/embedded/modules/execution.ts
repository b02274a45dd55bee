/** `k6/execution`: the VU, scenario, instance and test as k6 exposes them, plus test.abort/fail. */
import { performance } from 'node:perf_hooks';
import { TestAborted } from '../errors.ts';
import type { Vu } from '../vu.ts';

export function createExecutionModule(vu: Vu) {
  const run = vu.run;
  const tags = new Proxy(vu.scriptTags, {
    get: (target, key) => (typeof key === 'string' ? (key in target ? target[key] : vu.tags[key]) : undefined),
    set: (target, key, value) => {
      if (typeof key !== 'string') return false;
      target[key] = String(value);
      vu.refreshTags();
      return true;
    },
    deleteProperty: (target, key) => {
      if (typeof key === 'string') delete target[key];
      vu.refreshTags();
      return true;
    },
  });
  return {
    vu: {
      get idInInstance() {
        return vu.id;
      },
      get idInTest() {
        return vu.id;
      },
      get iterationInInstance() {
        return vu.iter;
      },
      get iterationInScenario() {
        return vu.iter;
      },
      tags,
      metrics: { tags, metadata: {} },
    },
    scenario: {
      get name() {
        return vu.scenario?.config.name ?? '';
      },
      get executor() {
        return vu.scenario?.config.executor ?? '';
      },
      get startTime() {
        return vu.scenario ? Math.round(performance.timeOrigin + vu.scenario.startedAt) : 0;
      },
      get progress() {
        return vu.scenario?.progress() ?? 0;
      },
      get iterationInInstance() {
        return vu.scenario ? vu.scenario.iterationsStarted - 1 : 0;
      },
      get iterationInTest() {
        return vu.scenario ? vu.scenario.iterationsStarted - 1 : 0;
      },
    },
    instance: {
      get iterationsInterrupted() {
        return run.iterationsInterrupted;
      },
      get iterationsCompleted() {
        return run.iterationsCompleted;
      },
      get vusActive() {
        return run.vusActive;
      },
      get vusInitialized() {
        return run.vusInitialized;
      },
      get currentTestRunDuration() {
        return performance.now() - run.startedAt;
      },
    },
    test: {
      abort(reason = ''): never {
        const error = new TestAborted(String(reason));
        run.requestStop('aborted-by-script', error.message, true);
        throw error;
      },
      fail(reason = ''): void {
        run.failedByScript = reason === '' ? 'test marked as failed by the script' : `test marked as failed: ${reason}`;
      },
      get options() {
        return run.options;
      },
    },
  };
}

/**
 * The embedded runtime on a worker thread: the run gets an event loop (and a core) of
 * its own, so the load it generates and the latencies it measures do not depend on
 * whatever else the harness process is doing, such as the local mesh's proxies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isUserError } from '../../errors/user-error.ts';
import type { RunRequest } from '../runner.ts';
import { runEmbedded } from './run.ts';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.ts';

const input = workerData as WorkerInput;
const controller = new AbortController();
const post = (message: FromWorker) => parentPort?.postMessage(message);

let resume: () => void = () => {};
const resumed = new Promise<void>((resolve) => {
  resume = resolve;
});

parentPort?.on('message', (message: ToWorker) => {
  if (message.type === 'abort') controller.abort();
  else if (message.type === 'resume') resume();
});

const request: RunRequest = {
  ...input.request,
  signal: controller.signal,
  onProgress: (progress) => post({ type: 'progress', progress }),
  ...(input.paused
    ? {
        startGate: () => {
          post({ type: 'paused' });
          return resumed;
        },
      }
    : {}),
};

runEmbedded(request, input.version).then(
  (result) => post({ type: 'result', result }),
  (error: unknown) => {
    if (isUserError(error) && 'code' in error) {
      post({ type: 'user-error', details: { code: error.code, message: error.message, fix: error.fix, location: error.location } });
    } else {
      post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  },
);

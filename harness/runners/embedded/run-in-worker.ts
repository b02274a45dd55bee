/** Runs an embedded k6 run on a worker thread, relaying progress, abort and the result. */
import { Worker } from 'node:worker_threads';
import { UserError } from '../../errors/user-error.ts';
import type { RunRequest, RunResult } from '../runner.ts';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.ts';
import { bundledEntry } from '../../util/bundled-entry.ts';

/**
 * Where a run's worker starts from: the runtime bundled into one module (a cell's worker
 * starts in ~0.12 s instead of the 0.35-0.6 s tsx takes to load ~40 modules), or, when it
 * cannot be built, worker-entry.mjs with tsx.
 */
export function embeddedWorkerUrl(): Promise<URL> {
  return bundledEntry(new URL('./worker.ts', import.meta.url)).catch(() => new URL('./worker-entry.mjs', import.meta.url));
}

export async function runInWorker(request: RunRequest, version: string): Promise<RunResult> {
  const { signal, onProgress, startGate, ...plain } = request;
  const input: WorkerInput = { request: plain, version, paused: startGate !== undefined };
  // No inherited execArgv: loader flags like `--import=tsx` resolve against the cwd, which
  // a run may not share with the harness; the bundle needs no loader, and worker-entry.mjs
  // (its fallback) registers one itself.
  const worker = new Worker(await embeddedWorkerUrl(), { workerData: input, execArgv: [] });
  return new Promise<RunResult>((resolve, reject) => {
    let settled = false;
    const onAbort = () => worker.postMessage({ type: 'abort' } satisfies ToWorker);
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      action();
      void worker.terminate();
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'paused') startGate?.().then(() => worker.postMessage({ type: 'resume' } satisfies ToWorker), (error: unknown) => finish(() => reject(error)));
      else if (message.type === 'result') finish(() => resolve(message.result));
      else if (message.type === 'user-error') finish(() => reject(new UserError(message.details)));
      else finish(() => reject(new Error(`embedded runtime worker failed: ${message.message}`)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`embedded runtime worker exited with code ${code} before finishing`))));
  });
}

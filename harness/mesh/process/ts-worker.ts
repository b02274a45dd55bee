/**
 * Worker threads that run TypeScript modules. Node 20 does not pass `--import tsx` on to
 * workers, so the worker starts from a tiny ESM bootstrap that registers tsx and then
 * imports the real entry.
 */
import { Worker } from 'node:worker_threads';

export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const bootstrap = [`import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`, 'register();', `await import(${JSON.stringify(entry.href)});`].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}

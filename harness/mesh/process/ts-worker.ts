/**
 * Worker threads that run TypeScript modules. startLocalMesh bundles each worker entry
 * (util/bundled-entry.ts) and names the bundles in an environment variable, so a worker
 * starts from one module. Without a bundle, the worker starts from a tiny ESM bootstrap
 * that registers tsx and then imports the real entry: Node 20 does not pass
 * `--import tsx` on to workers.
 */
import { Worker } from 'node:worker_threads';

/** JSON: the bundle's file URL by the worker entry's source URL. */
export const WORKER_BUNDLES_ENV = 'RESILIENCE_BENCH_WORKER_BUNDLES';

const bundles = JSON.parse(process.env[WORKER_BUNDLES_ENV] ?? '{}') as Record<string, string>;

export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const bundle = bundles[entry.href];
  if (bundle) return new Worker(new URL(bundle), { workerData });
  const bootstrap = [`import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`, 'register();', `await import(${JSON.stringify(entry.href)});`].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}

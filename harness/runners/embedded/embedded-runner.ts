/**
 * The embedded k6-compatible runtime: runs the same esbuild bundle real k6 runs, in
 * process, when no k6 binary is available. See loader.ts for how the bundle is loaded,
 * run.ts for the life of a run, and README.md for what differs from k6.
 */
import { createRequire } from 'node:module';
import type { RunRequest, RunResult, Runner } from '../runner.ts';
import { EMBEDDED_LIMITATIONS } from './limitations.ts';
import { runEmbedded } from './run.ts';
import { runInWorker } from './run-in-worker.ts';

export interface EmbeddedRunnerOptions {
  /**
   * Run on a worker thread (default true): the run gets its own event loop, so the
   * harness's other work (the local mesh's proxies) neither slows the load nor skews
   * its latencies. False runs on the caller's thread.
   */
  worker?: boolean;
}

const packageJson = createRequire(import.meta.url)('../../../package.json') as { version: string };

export function createEmbeddedRunner(options: EmbeddedRunnerOptions = {}): Runner {
  const version = `resilience-bench-embedded/${packageJson.version}`;
  const inWorker = options.worker ?? true;
  return {
    name: 'embedded',
    version: async () => version,
    run: (request: RunRequest): Promise<RunResult> => (inWorker ? runInWorker(request, version) : runEmbedded(request, version)),
    limitations: EMBEDDED_LIMITATIONS,
    startsTogether: true,
  };
}

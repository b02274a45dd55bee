/**
 * The embedded k6-compatible runtime: runs the same esbuild bundle real k6 runs, in
 * process, when no k6 binary is available. See loader.ts for how the bundle is loaded
 * and run.ts for the life of a run.
 */
import { createRequire } from 'node:module';
import type { RunRequest, RunResult, Runner } from '../runner.ts';
import { runEmbedded } from './run.ts';

const packageJson = createRequire(import.meta.url)('../../../package.json') as { version: string };

export function createEmbeddedRunner(): Runner {
  const version = `resilience-bench-embedded/${packageJson.version}`;
  return {
    name: 'embedded',
    version: async () => version,
    run: (request: RunRequest): Promise<RunResult> => runEmbedded(request, version),
  };
}

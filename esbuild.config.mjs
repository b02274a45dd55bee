/**
 * Bundles every scenarios/*.ts into a k6-ready ES module in dist/scenarios/. k6 modules
 * stay external (k6 provides them; the embedded runtime provides its own), Node built-ins
 * are refused, and the target is one k6 0.49 understands. `bundleScenarios` is also what
 * the harness calls before a run, so the bundle a user runs is the one the bench ran.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));

/** esbuild options shared by the CLI build and the harness. */
export function scenarioBuildOptions(entryPoints, outdir) {
  return {
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    external: ['k6', 'k6/*', 'https://*'],
    sourcemap: false,
    logLevel: 'silent',
    metafile: true,
  };
}

export function scenarioEntryPoints(scenarioDir = join(root, 'scenarios')) {
  return readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(scenarioDir, f));
}

/** Bundles the given scenario files (default: all) and returns the bundle paths by scenario name. */
export async function bundleScenarios({ entryPoints = scenarioEntryPoints(), outdir = join(root, 'dist', 'scenarios') } = {}) {
  const result = await build(scenarioBuildOptions(entryPoints, outdir));
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input.startsWith('node:') || input.includes('node_modules/@types/node')) {
      throw new Error(`scenario bundle pulls in a Node built-in (${input}); k6 cannot run it`);
    }
  }
  const bundles = {};
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const name = meta.entryPoint.replace(/^.*\//, '').replace(/\.ts$/, '');
    bundles[name] = resolve(root, output);
  }
  return bundles;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bundles = await bundleScenarios();
  for (const [name, path] of Object.entries(bundles)) console.log(`${name} -> ${path}`);
}

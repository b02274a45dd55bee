/**
 * The embedded runtime's worker as one ES module, built with esbuild once per harness
 * process. Why: a worker started from worker-entry.mjs registers tsx and transforms the
 * runtime's ~40 TypeScript modules on every start, 0.35 to 0.6 s a cell on 2 cores; the
 * bundle starts in about 0.12 s, and the build (about 0.15 s) is paid once. The file is
 * named by a hash of its content, so processes running side by side (split runs) and runs
 * of older code never load each other's. Packages stay external, imported by absolute
 * file URL, so the bundle loads whatever directory it is in. If it cannot be built or
 * written, workers start from worker-entry.mjs as before.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { projectRoot } from '../../util/project-root.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);
let bundled: Promise<URL> | undefined;

/** Where a worker running the embedded runtime starts from. */
export function embeddedWorkerUrl(): Promise<URL> {
  bundled ??= bundleWorker().catch(() => ENTRY);
  return bundled;
}

async function bundleWorker(): Promise<URL> {
  const require = createRequire(import.meta.url);
  const result = await build({
    entryPoints: [join(projectRoot, 'harness', 'runners', 'embedded', 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'packages-by-file-url',
        setup(plugin) {
          plugin.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('node:') ? { external: true } : { path: pathToFileURL(require.resolve(args.path)).href, external: true }));
        },
      },
    ],
  });
  const code = result.outputFiles[0].text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(projectRoot, 'dist', 'embedded-runtime', `worker-${hash}.mjs`);
  if (!existsSync(file)) await writeFileAtomic(file, code);
  return pathToFileURL(file);
}

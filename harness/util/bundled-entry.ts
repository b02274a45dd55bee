/**
 * A TypeScript entry point (a worker's or a child process's) as one ES module, built with
 * esbuild once per process. Why: a thread or process started from TypeScript registers tsx
 * and loads its modules through tsx's hooks on every start, 0.35 to 0.6 s for a few dozen
 * modules on 2 cores; one bundled module starts in about 0.1 s, and the build (about
 * 0.15 s) is paid once. Each file is named by a hash of its content, so processes running
 * side by side and runs of older code never load each other's. The bundles live in
 * `dist/bundles/`, inside the project, so the packages they import resolve from its
 * node_modules as the sources' do; `import.meta.url` keeps each source file's own URL, so
 * `new URL('./x.ts', import.meta.url)` still names the source beside it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { writeFileAtomic } from './atomic-write.ts';
import { projectRoot } from './project-root.ts';

const built = new Map<string, Promise<URL>>();

/** The bundle of `entry` (a .ts file URL); rejects when esbuild cannot build it or the file cannot be written. */
export function bundledEntry(entry: URL): Promise<URL> {
  let bundle = built.get(entry.href);
  if (!bundle) {
    bundle = buildBundle(entry);
    built.set(entry.href, bundle);
  }
  return bundle;
}

async function buildBundle(entry: URL): Promise<URL> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'source-import-meta-url',
        setup(plugin) {
          plugin.onLoad({ filter: /\.ts$/ }, async (args) => ({
            contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  const code = result.outputFiles[0].text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(projectRoot, 'dist', 'bundles', `${basename(entry.pathname, '.ts')}-${hash}.mjs`);
  if (!existsSync(file)) await writeFileAtomic(file, code);
  return pathToFileURL(file);
}

/**
 * Turns the esbuild bundle real k6 runs into something the embedded runtime can
 * instantiate once per VU. Why this way: k6 gives every VU its own JS runtime and runs
 * the init code in each, so module-level state is per VU. Re-bundling the ES module to
 * CommonJS with esbuild (k6 modules left external) and compiling it once with
 * vm.compileFunction gives one compiled function we call per VU with that VU's
 * `require` (k6 modules bound to the VU), `__ENV`, and `__VU`/`__ITER` (esbuild `define`
 * rewrites them to reads of the VU object). It runs in the main realm, so objects and
 * promises cross freely, with no temp files, no global loader hooks and no shared state
 * between runs in the same process.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { UserError } from '../../errors/user-error.ts';
import { ENGINE_K6_FIX } from './errors.ts';
import { SUPPORTED_EXPORTS } from './modules/index.ts';

export type ScriptFactory = (
  exports: Record<string, unknown>,
  require: (specifier: string) => unknown,
  module: { exports: Record<string, unknown> },
  __ENV: Record<string, string>,
  __k6vu: { id: number; iter: number },
  open: (path: string, mode?: string) => string | ArrayBuffer,
) => void;

export interface ImportedName {
  module: string;
  /** 'default' and '*' are the whole module. */
  name: string;
  line: number;
}

/** The k6 (and remote) imports of an ES module bundle, as esbuild writes them. */
export function scanImports(source: string): ImportedName[] {
  const found: ImportedName[] = [];
  const statement = /^\s*import\s*(?:([^;"'`]*?)\s*from\s*)?["']([^"']+)["'];?/gm;
  for (let match = statement.exec(source); match; match = statement.exec(source)) {
    const [, clause = '', module] = match;
    const line = source.slice(0, match.index + match[0].search(/\S/)).split('\n').length;
    if (clause === '') {
      found.push({ module, name: '*', line });
      continue;
    }
    const named = /\{([\s\S]*)\}/.exec(clause);
    const outside = clause.replace(/\{[\s\S]*\}/, '');
    if (/\*\s+as\s+/.test(outside)) found.push({ module, name: '*', line });
    else if (outside.replace(/,/g, '').trim() !== '') found.push({ module, name: 'default', line });
    if (named) {
      for (const part of named[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0].trim();
        if (name !== '') found.push({ module, name, line });
      }
    }
  }
  return found;
}

/** Every import the embedded runtime cannot satisfy, as one UserError. */
export function checkImports(source: string, file: string): void {
  for (const imported of scanImports(source)) {
    const supported = SUPPORTED_EXPORTS[imported.module];
    const isK6 = imported.module === 'k6' || imported.module.startsWith('k6/');
    const remote = /^https?:\/\//.test(imported.module);
    if (!isK6 && !remote) continue;
    const ok = supported !== undefined && (imported.name === 'default' || imported.name === '*' || supported.has(imported.name));
    if (ok) continue;
    const api = supported === undefined ? `module "${imported.module}"` : `"${imported.name}" from "${imported.module}"`;
    throw new UserError({
      code: 'EMBEDDED_UNSUPPORTED_API',
      message: `${basename(file)} imports ${api}, which the embedded k6 runtime does not support`,
      fix: ENGINE_K6_FIX,
      location: { file, line: imported.line },
    });
  }
}

export async function loadScript(bundlePath: string): Promise<ScriptFactory> {
  let source: string;
  try {
    source = await readFile(bundlePath, 'utf8');
  } catch (error) {
    throw new UserError({
      code: 'K6_BUNDLE_NOT_FOUND',
      message: `cannot read the scenario bundle ${bundlePath}: ${(error as Error).message}`,
      fix: 'build it with `npm run build`',
      location: { file: bundlePath },
    });
  }
  checkImports(source, bundlePath);
  const result = await build({
    stdin: { contents: source, sourcefile: bundlePath, loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2022',
    external: ['k6', 'k6/*'],
    define: { __VU: '__k6vu.id', __ITER: '__k6vu.iter' },
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  return vm.compileFunction(code, ['exports', 'require', 'module', '__ENV', '__k6vu', 'open'], {
    filename: bundlePath,
  }) as unknown as ScriptFactory;
}

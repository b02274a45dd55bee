/** Runs a script's init code for one VU (k6 does this once per VU) and keeps its exports. */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ScriptFactory } from './loader.ts';
import { createRequire } from './modules/index.ts';
import type { Vu } from './vu.ts';

export function instantiate(factory: ScriptFactory, vu: Vu): void {
  const module = { exports: {} as Record<string, unknown> };
  const open = (path: string, mode?: string): string | ArrayBuffer => {
    if (vu.iter >= 0) throw new Error('open() can only be called from the init code, as in k6');
    const bytes = readFileSync(isAbsolute(path) ? path : join(vu.run.bundleDir, path));
    return mode === 'b' ? (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer) : bytes.toString('utf8');
  };
  factory(module.exports, createRequire(vu), module, vu.env, vu, open);
  vu.exports = module.exports;
}

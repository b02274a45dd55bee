/** Shared pieces of the embedded runtime benchmarks: the target server process and temp scripts. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTsChild } from './ts-child.ts';

export interface TargetServer {
  url: string;
  stop(): void;
}

/** Starts perf/embedded-ok-server.ts in a separate Node process. */
export async function startTargetServer(): Promise<TargetServer> {
  const { child, firstLine: port } = await startTsChild('embedded-ok-server.ts');
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill('SIGTERM') };
}

export function writeScript(source: string): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-bench-'));
  const path = join(dir, 'bench.js');
  writeFileSync(path, source);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0 || value > 600) throw new Error(`${name} must be 1..600 seconds`);
  return value;
}

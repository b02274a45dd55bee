/** What a run records about the software that produced it, so runs can be compared. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../runners/runner.ts';
import { projectRoot } from '../util/project-root.ts';

export function harnessVersion(): string {
  return JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version;
}

export async function collectVersions(options: { engine: Runner }): Promise<Record<string, string>> {
  return {
    harness: harnessVersion(),
    node: process.version,
    engine: options.engine.name,
    engineVersion: await options.engine.version(),
  };
}

/**
 * Bundles the plan's scenario right before a run with the project's esbuild config, so
 * the bundle that ran is always the one built from the current source.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleScenarios } from '../../esbuild.config.mjs';
import { UserError } from '../errors/user-error.ts';
import { projectRoot } from '../util/project-root.ts';

export function scenarioSource(script: string): string {
  return join(projectRoot, 'scenarios', `${script}.ts`);
}

export async function bundleScenario(script: string): Promise<string> {
  const source = scenarioSource(script);
  if (!existsSync(source)) {
    const available = readdirSync(join(projectRoot, 'scenarios'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    throw new UserError({ code: 'SCENARIO_NOT_FOUND', message: `scenario "${script}" does not exist (looked for ${source})`, fix: `use one of: ${available.join(', ')}` });
  }
  const bundles = await bundleScenarios({ entryPoints: [source], outdir: join(projectRoot, 'dist', 'scenarios') });
  return bundles[script];
}

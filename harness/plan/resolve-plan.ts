/**
 * `bench <plan>` accepts a path (`./my-plan.yaml`) or the name of a shipped plan
 * (`retries-lab` → manifests/plans/retries-lab.yaml).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors/user-error.ts';
import { suggestName } from '../yaml/closest-name.ts';

/** The plan `bench` runs when none is named. */
export const DEFAULT_PLAN = 'retries-lab';

/** The project's shipped plans: manifests/plans/ next to harness/. */
export const SHIPPED_PLANS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'manifests', 'plans');

export function listPlans(dir: string = SHIPPED_PLANS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export function resolvePlanPath(nameOrPath: string, cwd: string, plansDir: string = SHIPPED_PLANS_DIR): string {
  const asPath = resolve(cwd, nameOrPath);
  if (existsSync(asPath) && statSync(asPath).isFile()) return asPath;
  const looksLikePath = /[/\\]/.test(nameOrPath) || /\.ya?ml$/.test(nameOrPath);
  if (!looksLikePath) {
    for (const ext of ['.yaml', '.yml']) {
      const candidate = join(plansDir, `${nameOrPath}${ext}`);
      if (existsSync(candidate)) return candidate;
    }
  }
  const available = listPlans(plansDir);
  const name = nameOrPath.replace(/^.*[/\\]/, '').replace(/\.ya?ml$/, '');
  throw new UserError({
    code: 'PLAN_NOT_FOUND',
    message: looksLikePath ? `plan file ${asPath} does not exist` : `no plan named \`${nameOrPath}\` (not a file either)`,
    fix: available.length > 0 ? `${closestHint(name, available)}available plans: ${available.join(', ')}` : `give the path of a plan file`,
  });
}

function closestHint(name: string, available: string[]): string {
  const hint = suggestName(name, available);
  return hint.startsWith('did you mean') ? `${hint} ` : '';
}

/** `bench plans`: the shipped plans, with their descriptions, for `--plan <name>`. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EXIT } from '../exit-codes.ts';
import { projectRoot } from '../../util/project-root.ts';
import type { CliContext } from '../cli-context.ts';
import { sanitizeTerminal } from '../../util/terminal-text.ts';

export async function plansCommand(_args: string[], context: CliContext): Promise<number> {
  const dir = join(projectRoot, 'manifests', 'plans');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const plans: { name: string; description: string }[] = [];
  for (const file of files) {
    const name = file.replace(/\.ya?ml$/, '');
    let description = '';
    try {
      const text = parse(readFileSync(join(dir, file), 'utf8'), { maxAliasCount: 100 })?.metadata?.description;
      description = typeof text === 'string' ? text : '';
    } catch {
      description = '(does not parse: run `bench lint` on it)';
    }
    plans.push({ name, description });
  }
  if (context.json) process.stdout.write(`${JSON.stringify(plans, null, 2)}\n`);
  else for (const plan of plans) process.stdout.write(`${plan.name.padEnd(20)} ${sanitizeTerminal(plan.description)}\n`);
  return EXIT.ok;
}

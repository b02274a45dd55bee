/** `bench plans`: the shipped plans, with their descriptions, for `--plan <name>`. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EXIT } from '../exit-codes.ts';
import { projectRoot } from '../../util/project-root.ts';

export async function plansCommand(): Promise<number> {
  const dir = join(projectRoot, 'manifests', 'plans');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  for (const file of files) {
    const name = file.replace(/\.ya?ml$/, '');
    let description = '';
    try {
      description = parse(readFileSync(join(dir, file), 'utf8'))?.metadata?.description ?? '';
    } catch {
      description = '(does not parse: run `bench lint` on it)';
    }
    process.stdout.write(`${name.padEnd(20)} ${description}\n`);
  }
  return EXIT.ok;
}

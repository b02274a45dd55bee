/**
 * The engines a user picks with `--engine`, and how each is created. The CLI's option
 * check, its help text and the types all read this one table; `auto` is a k6 binary when
 * one is installed, else the embedded runtime.
 */
import { UserError } from '../errors/user-error.ts';
import { createEmbeddedRunner } from './embedded/embedded-runner.ts';
import { findK6, requireK6 } from './k6-binary/find-k6.ts';
import { createK6Runner } from './k6-binary/k6-binary-runner.ts';
import type { Runner } from './runner.ts';
import { ENGINES } from '../model/engines.ts';

const LOCAL_ENGINES = {
  k6: async (env: NodeJS.ProcessEnv) => createK6Runner(await requireK6(env)),
  embedded: async () => createEmbeddedRunner(),
} satisfies Partial<Record<keyof typeof ENGINES, (env: NodeJS.ProcessEnv) => Promise<Runner>>>;

export type LocalEngineName = keyof typeof LOCAL_ENGINES;
export type EngineChoice = 'auto' | LocalEngineName;

export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', ...(Object.keys(LOCAL_ENGINES) as LocalEngineName[])];

/** `--engine` help lines, from the same table. */
export function engineHelp(): string {
  return [`auto (a k6 binary when one is installed, else embedded)`, ...Object.keys(LOCAL_ENGINES).map((name) => `${name} (${ENGINES[name as LocalEngineName]})`)].join('; ');
}

export function parseEngineChoice(text: string): EngineChoice {
  if ((ENGINE_CHOICES as readonly string[]).includes(text)) return text as EngineChoice;
  throw new UserError({ code: 'USAGE', message: `unknown engine "${text}"`, fix: `use --engine ${ENGINE_CHOICES.join(', ')}` });
}

export async function selectRunner(engine: EngineChoice, env: NodeJS.ProcessEnv = process.env): Promise<Runner> {
  if (engine !== 'auto') return LOCAL_ENGINES[engine](env);
  const found = await findK6(env);
  return found ? createK6Runner(found) : createEmbeddedRunner();
}

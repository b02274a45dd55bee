/**
 * The engines a user picks with `--engine`, and how each is created. The CLI's option
 * check, its help text and the types all read this one table; `auto` is a k6 binary when
 * one is installed, else the embedded runtime.
 */
import { UserError } from '../errors/user-error.ts';
import { type FoundK6, findK6, requireK6 } from './k6-binary/find-k6.ts';
import type { Runner } from './runner.ts';
import { ENGINES } from '../model/engines.ts';

// Each engine's code is imported when it is chosen, so an option check that fails, or a run
// on the other engine, does not load it (a process runner pulls in a hundred modules).
const createK6Runner = async (k6: FoundK6) => (await import('./k6-binary/k6-binary-runner.ts')).createK6Runner(k6);
const createEmbeddedRunner = async () => (await import('./embedded/embedded-runner.ts')).createEmbeddedRunner();

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

/** Picks the engine: `auto` is a k6 binary when one is installed, else the embedded runtime. */
import { createEmbeddedRunner } from './embedded/index.ts';
import { requireK6 } from './k6/find-k6.ts';
import { createK6Runner, findK6 } from './k6-binary.ts';
import type { Runner } from './runner.ts';

export type EngineChoice = 'auto' | 'k6' | 'embedded';

export async function selectRunner(engine: EngineChoice, env: NodeJS.ProcessEnv = process.env): Promise<Runner> {
  if (engine === 'embedded') return createEmbeddedRunner();
  if (engine === 'k6') return createK6Runner(await requireK6(env));
  const found = await findK6(env);
  return found ? createK6Runner(found) : createEmbeddedRunner();
}

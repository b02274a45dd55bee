/**
 * Finding the k6 binary: `K6_BIN` when set, else the first `k6` on PATH; its version
 * must be at least 0.49 (the first with everything the scenarios rely on).
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { probeVersionOutput } from './probe-version.ts';
import { UserError } from '../../errors/user-error.ts';
import { compareVersions, MIN_K6_VERSION, parseK6Version } from './version.ts';

export interface FoundK6 {
  binary: string;
  version: string;
}

const INSTALL_FIX = 'install k6 >= 0.49 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or run with --engine embedded';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function locate(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.K6_BIN) {
    if (await isExecutable(env.K6_BIN)) return env.K6_BIN;
    throw new UserError({ code: 'K6_NOT_FOUND', message: `K6_BIN points to ${env.K6_BIN}, which is not an executable file`, fix: INSTALL_FIX });
  }
  const names = process.platform === 'win32' ? ['k6.exe', 'k6'] : ['k6'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * The k6 binary and its version, or undefined when there is none. A k6 older than 0.49,
 * or a K6_BIN that is not k6, is a UserError: the user meant that binary to be used.
 */
export async function findK6(env: NodeJS.ProcessEnv = process.env, options: { versionTimeoutMs?: number } = {}): Promise<FoundK6 | undefined> {
  const binary = await locate(env);
  if (!binary) return undefined;
  let output: string;
  try {
    output = await probeVersionOutput(binary, env, options.versionTimeoutMs);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError({ code: 'K6_NOT_FOUND', message: `${binary} cannot be run: ${(error as Error).message}`, fix: INSTALL_FIX });
  }
  const version = parseK6Version(output);
  if (!version) {
    throw new UserError({
      code: 'K6_NOT_FOUND',
      message: `${binary} does not look like k6: \`${binary} version\` printed ${JSON.stringify(output.slice(0, 200))}`,
      fix: INSTALL_FIX,
    });
  }
  if (compareVersions(version, MIN_K6_VERSION) < 0) {
    throw new UserError({
      code: 'K6_TOO_OLD',
      message: `${binary} is k6 ${version}; the scenarios need k6 >= v${MIN_K6_VERSION}`,
      fix: 'upgrade k6 to 0.49 or newer, or run with --engine embedded',
    });
  }
  return { binary, version };
}

/** Like findK6, but a missing binary is a UserError too (for `--engine k6`). */
export async function requireK6(env: NodeJS.ProcessEnv = process.env): Promise<FoundK6> {
  const found = await findK6(env);
  if (!found) throw new UserError({ code: 'K6_NOT_FOUND', message: 'no k6 binary on PATH (and K6_BIN is not set)', fix: INSTALL_FIX });
  return found;
}

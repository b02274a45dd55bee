/**
 * `k6 version`, bounded: a binary that never answers (or leaves something behind that
 * keeps its output open) must not hang the bench before the run starts. The probe runs in
 * its own process group, is killed with everything it started after the timeout, and is
 * reported as an environment error.
 */
import { spawn } from 'node:child_process';
import { UserError } from '../../errors/user-error.ts';

export const VERSION_TIMEOUT_MS = 10_000;

export async function probeVersionOutput(binary: string, env: NodeJS.ProcessEnv, timeoutMs = VERSION_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const child = spawn(binary, ['version'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const collect = (chunk: Buffer) => {
      if (output.length < 64 * 1024) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const finish = (result: { output: string } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      if ('error' in result) reject(result.error);
      else resolve(result.output);
    };
    const timer = setTimeout(() => {
      killGroup();
      finish({
        error: new UserError({
          code: 'K6_VERSION_TIMEOUT',
          message: `\`${binary} version\` did not answer within ${Math.round(timeoutMs / 1000)} s`,
          fix: 'check the k6 binary (K6_BIN or PATH): it must print its version at once; or run with --engine embedded',
        }),
      });
    }, timeoutMs);
    child.on('error', (error) => finish({ error }));
    // 'exit', not 'close': a process k6 started may keep the pipes open; what was printed is enough.
    child.on('exit', () => {
      setTimeout(() => {
        killGroup();
        finish({ output });
      }, 50);
    });
  });
}

/**
 * A TypeScript file of perf/ run in its own Node process (so what it serves gets cores
 * apart from the load generator), which says it is ready by printing one line on stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const READY_TIMEOUT_MS = 30_000;

/**
 * Starts perf/<file> with `args` and resolves with its first stdout line. Its stdin is a
 * pipe its process can watch, so it can end with its parent however the parent ends.
 */
export async function startTsChild(file: string, args: string[] = []): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, file), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });
  return { child, firstLine };
}

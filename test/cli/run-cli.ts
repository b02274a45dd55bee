/** Runs the real `bench` CLI in a child process, as a user would through npm. */
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { projectRoot } from '../../harness/util/project-root.ts';

export function benchProcess(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): ResultPromise<{ reject: false; all: true }> {
  return execa(process.execPath, ['--import', 'tsx', join(projectRoot, 'harness', 'cli', 'main.ts'), ...args], {
    cwd: options.cwd ?? projectRoot,
    reject: false,
    all: true,
    env: { K6_BIN: '', NO_COLOR: '1', ...options.env },
  });
}

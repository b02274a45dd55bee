/** Messages between the harness and an embedded run on a worker thread. */
import type { UserErrorDetails } from '../../errors/user-error.ts';
import type { RunProgress, RunRequest, RunResult } from '../runner.ts';

export interface WorkerInput {
  request: Omit<RunRequest, 'signal' | 'onProgress'>;
  version: string;
}

export type ToWorker = { type: 'abort' };

export type FromWorker =
  | { type: 'progress'; progress: RunProgress }
  | { type: 'result'; result: RunResult }
  | { type: 'user-error'; details: UserErrorDetails }
  | { type: 'error'; message: string };

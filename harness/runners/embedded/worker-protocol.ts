/** Messages between the harness and an embedded run on a worker thread. */
import type { UserErrorDetails } from '../../errors/user-error.ts';
import type { RunProgress, RunRequest, RunResult } from '../runner.ts';

export interface WorkerInput {
  request: Omit<RunRequest, 'signal' | 'onProgress' | 'startGate'>;
  version: string;
  /** The request had a startGate: post 'paused' once initialised and wait for 'resume'. */
  paused: boolean;
}

export type ToWorker = { type: 'abort' } | { type: 'resume' };

export type FromWorker =
  | { type: 'progress'; progress: RunProgress }
  | { type: 'paused' }
  | { type: 'result'; result: RunResult }
  | { type: 'user-error'; details: UserErrorDetails }
  | { type: 'error'; message: string };

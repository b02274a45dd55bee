/**
 * Request/reply over a worker thread's message port, for the mesh's worker hosts
 * (outbound proxies, sample apps). A worker that dies rejects every pending and later call.
 */
import { parentPort, type Worker } from 'node:worker_threads';
import { startTsWorker } from './ts-worker.ts';

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

export class WorkerRpc<Request> {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private failure?: Error;

  constructor(
    private readonly label: string,
    entry: URL,
    workerData: unknown,
  ) {
    this.worker = startTsWorker(entry, workerData);
    this.worker.on('message', (reply: Reply) => {
      const entry = this.waiting.get(reply.id);
      if (!entry) return;
      this.waiting.delete(reply.id);
      if (reply.ok) entry.resolve(reply.result);
      else entry.reject(new Error(`${this.label}: ${reply.message}`));
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`${this.label} worker exited with code ${code}`)));
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  call<T>(request: Request): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, request });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Worker side: answers each request with `handle`'s result or error. */
export function serveWorkerRpc<Request>(handle: (request: Request) => Promise<unknown>): void {
  parentPort?.on('message', (message: { id: number; request: Request }) => {
    handle(message.request).then(
      (result) => parentPort?.postMessage({ id: message.id, ok: true, result }),
      (error: unknown) => parentPort?.postMessage({ id: message.id, ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}

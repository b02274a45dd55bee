/**
 * A group of mesh components (the sample apps, or the client sidecar and gateway) that
 * runs either on a worker thread of its own or on the mesh's main loop, behind one
 * request/response interface, so the runtime drives both layouts the same way.
 */
import { WorkerRpc } from './worker-rpc.ts';

export interface RoleHostOptions<Request> {
  label: string;
  /** Module run on the worker thread; it serves the same handler. */
  workerEntry: URL;
  workerData: unknown;
  threaded: boolean;
  /** The handler itself, for the same-loop layout. */
  createHandler: () => (request: Request) => Promise<unknown>;
}

export class RoleHost<Request extends { op: string }> {
  private readonly rpc?: WorkerRpc<Request>;
  private readonly direct?: (request: Request) => Promise<unknown>;

  constructor(options: RoleHostOptions<Request>) {
    if (options.threaded) this.rpc = new WorkerRpc(options.label, options.workerEntry, options.workerData);
    else this.direct = options.createHandler();
  }

  protected call<T>(request: Request): Promise<T> {
    return (this.rpc ? this.rpc.call<T>(request) : this.direct!(request)) as Promise<T>;
  }

  /** Stops the components (asking them first, unless their thread already died), then the thread. */
  protected async stopRole(stopRequest: Request): Promise<void> {
    if (this.rpc?.failed) {
      await this.rpc.terminate();
      return;
    }
    await this.call(stopRequest).catch(() => undefined);
    await this.rpc?.terminate();
  }
}

/**
 * Envoy's worker threads as the local proxies model them (mesh-semantics §4): a proxy runs
 * `concurrency` workers (Istio's sidecar default: 2, or `concurrency` in the pod's
 * `proxy.istio.io/config` annotation), each downstream connection is served by one worker
 * for its whole life, and each worker keeps its own upstream connection pools. Istio leaves
 * the listeners to the kernel's SO_REUSEPORT hashing (exact balancing is opt-in), so a
 * connection lands on a worker as if at random: a seeded draw here.
 */
import type { Random } from '../shared/random.ts';

export const DEFAULT_PROXY_CONCURRENCY = 2;

export class WorkerThreads {
  private readonly workerOf = new WeakMap<object, number>();
  readonly count: number;

  constructor(
    concurrency: number | undefined,
    private readonly random: Random,
  ) {
    this.count = Math.max(1, Math.floor(concurrency ?? DEFAULT_PROXY_CONCURRENCY));
  }

  /** Hands a newly accepted connection to a worker. */
  accept(connection: object): number {
    const worker = this.count === 1 ? 0 : Math.floor(this.random() * this.count);
    this.workerOf.set(connection, worker);
    return worker;
  }

  /** The same worker for a connection layered on an accepted one (TLS over TCP). */
  inherit(layered: object, accepted: object): void {
    this.workerOf.set(layered, this.of(accepted));
  }

  of(connection: object): number {
    return this.workerOf.get(connection) ?? 0;
  }
}

/**
 * Envoy's per-cluster resource manager (mesh-semantics §4): the circuit-breaker counts one
 * cluster of one proxy keeps across all its worker threads. Connection pools are per
 * worker (`upstream-pool.ts`); the limits they check are these shared counts.
 */
import type { PoolLimits } from '../control-plane/destination-policy.ts';

export class CircuitBreakers {
  /** Upstream connections open or being opened, all workers and hosts together. */
  connections = 0;
  /** New connections granted to a request and not opened yet: the cap counts them already. */
  opening = 0;
  /** Requests waiting for a connection. */
  pending = 0;
  /** Requests attached to a connection (`http2MaxRequests`); pending ones are not counted. */
  requests = 0;
  /** Retries decided and not yet decided upon again (`maxRetries`). */
  retries = 0;

  constructor(readonly limits: PoolLimits) {}
}

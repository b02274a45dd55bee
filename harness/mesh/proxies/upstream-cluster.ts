/**
 * One Envoy cluster inside one proxy: its endpoints, the load balancer, outlier detection
 * (with its `interval` timer), the circuit-breaker counts shared by the proxy's workers and
 * one connection pool per worker thread (mesh-semantics §4), plus its stats gauges.
 * A proxy replaces a cluster when its policy changes; the old one is retired so its
 * in-flight requests finish and its idle connections close.
 */
import type { ClusterPolicy } from '../control-plane/destination-policy.ts';
import type { Endpoint } from '../control-plane/topology.ts';
import type { Random } from '../shared/random.ts';
import { CircuitBreakers } from './circuit-breakers.ts';
import { createLoadBalancer, type LoadBalancer } from './load-balancer.ts';
import { OutlierDetector } from './outlier-detector.ts';
import type { ProxyStats } from './stats.ts';
import { type ClientTls, UpstreamPool } from './upstream-pool.ts';

export type EndpointChoice = { kind: 'endpoint'; endpoint: Endpoint; panic: boolean } | { kind: 'no-healthy-upstream' };

export interface UpstreamClusterOptions {
  name: string;
  policy: ClusterPolicy;
  endpoints: Endpoint[];
  stats: ProxyStats;
  tlsFor: (endpoint: Endpoint) => ClientTls | undefined;
  /** The proxy's worker threads (Envoy `concurrency`): one connection pool each. */
  workers: number;
  /** Draws for the load balancer (seeded per proxy). */
  random: Random;
  now?: () => number;
}

export class UpstreamCluster {
  readonly name: string;
  readonly statPrefix: string;
  readonly breakers: CircuitBreakers;
  private readonly pools: UpstreamPool[];
  readonly outlier?: OutlierDetector<Endpoint>;
  private readonly endpoints: Endpoint[];
  private readonly balancer: LoadBalancer<Endpoint>;
  /** Requests in flight per host (Envoy's host `rq_active`), for LEAST_REQUEST. */
  private readonly activeByHost = new Map<Endpoint, number>();
  private readonly stats: ProxyStats;
  private intervalTimer?: NodeJS.Timeout;

  constructor(options: UpstreamClusterOptions) {
    this.name = options.name;
    this.statPrefix = `cluster.${options.name}.`;
    this.endpoints = options.endpoints;
    this.stats = options.stats;
    this.breakers = new CircuitBreakers(options.policy.limits);
    const poolOptions = { breakers: this.breakers, stats: options.stats, statPrefix: this.statPrefix, tlsFor: options.tlsFor };
    this.pools = Array.from({ length: Math.max(1, options.workers) }, () => new UpstreamPool(poolOptions));
    this.balancer = createLoadBalancer<Endpoint>(options.policy.loadBalancer, options.random, (host) => this.activeByHost.get(host) ?? 0);
    const outlier = options.policy.outlier;
    if (outlier) {
      const detector = new OutlierDetector(outlier, this.endpoints, options.now ?? Date.now);
      this.outlier = detector;
      this.intervalTimer = setInterval(() => detector.tick(), outlier.intervalMs);
      this.intervalTimer.unref();
      this.stats.gauge(`${this.statPrefix}outlier_detection.ejections_active`, () => detector.ejectedCount());
      this.stats.gauge(`${this.statPrefix}outlier_detection.ejections_enforced_total`, () => detector.counters.ejectionsEnforcedTotal);
      this.stats.gauge(`${this.statPrefix}outlier_detection.ejections_overflow`, () => detector.counters.ejectionsOverflow);
    }
    this.stats.gauge(`${this.statPrefix}membership_total`, () => this.endpoints.length);
    this.stats.gauge(`${this.statPrefix}upstream_cx_active`, () => this.breakers.connections);
  }

  /** The connection pool of the worker that owns the downstream connection. */
  pool(worker: number): UpstreamPool {
    return this.pools[worker % this.pools.length];
  }

  pick(avoid: ReadonlySet<Endpoint>): EndpointChoice {
    if (!this.outlier) {
      const endpoint = this.balancer.pick(this.endpoints, avoid);
      return endpoint ? { kind: 'endpoint', endpoint, panic: false } : { kind: 'no-healthy-upstream' };
    }
    const selection = this.outlier.select(this.endpoints);
    if (selection.kind === 'no-healthy-upstream') return selection;
    if (selection.panic) this.stats.inc(`${this.statPrefix}lb_healthy_panic`);
    const endpoint = this.balancer.pick(selection.hosts, avoid);
    return endpoint ? { kind: 'endpoint', endpoint, panic: selection.panic } : { kind: 'no-healthy-upstream' };
  }

  /** A try to `endpoint` started (+1) or ended (-1). */
  trackActive(endpoint: Endpoint, delta: 1 | -1): void {
    this.activeByHost.set(endpoint, (this.activeByHost.get(endpoint) ?? 0) + delta);
  }

  /** Feeds outlier detection with one attempt's result (local failures as 503, timeouts as 504). */
  record(endpoint: Endpoint, status: number): void {
    this.outlier?.record(endpoint, status);
  }

  retire(): void {
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.stats.removeGaugesWithPrefix(this.statPrefix);
    for (const pool of this.pools) pool.retire();
  }

  destroy(): void {
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    for (const pool of this.pools) pool.destroy();
  }
}

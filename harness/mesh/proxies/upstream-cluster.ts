/**
 * One Envoy cluster inside one proxy: its endpoints, round-robin choice, outlier
 * detection (with its `interval` timer) and connection pool, plus its stats gauges.
 * A proxy replaces a cluster when its policy changes; the old one is retired so its
 * in-flight requests finish and its idle connections close.
 */
import type { ClusterPolicy } from '../control-plane/destination-policy.ts';
import { RoundRobin } from './load-balancer.ts';
import { OutlierDetector } from './outlier-detector.ts';
import type { ProxyStats } from './stats.ts';
import type { Endpoint } from '../control-plane/topology.ts';
import { type ClientTls, UpstreamPool } from './upstream-pool.ts';

export type EndpointChoice = { kind: 'endpoint'; endpoint: Endpoint; panic: boolean } | { kind: 'no-healthy-upstream' };

export interface UpstreamClusterOptions {
  name: string;
  policy: ClusterPolicy;
  endpoints: Endpoint[];
  stats: ProxyStats;
  tlsFor: (endpoint: Endpoint) => ClientTls | undefined;
  now?: () => number;
}

export class UpstreamCluster {
  readonly name: string;
  readonly statPrefix: string;
  readonly pool: UpstreamPool;
  readonly outlier?: OutlierDetector<Endpoint>;
  private readonly endpoints: Endpoint[];
  private readonly balancer = new RoundRobin<Endpoint>();
  private readonly stats: ProxyStats;
  private intervalTimer?: NodeJS.Timeout;

  constructor(options: UpstreamClusterOptions) {
    this.name = options.name;
    this.statPrefix = `cluster.${options.name}.`;
    this.endpoints = options.endpoints;
    this.stats = options.stats;
    this.pool = new UpstreamPool(options.policy.limits, options.stats, this.statPrefix, options.tlsFor);
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

  /** Feeds outlier detection with one attempt's result (local failures as 503, timeouts as 504). */
  record(endpoint: Endpoint, status: number): void {
    this.outlier?.record(endpoint, status);
  }

  retire(): void {
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.stats.removeGaugesWithPrefix(this.statPrefix);
    this.pool.retire();
  }

  destroy(): void {
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.pool.destroy();
  }
}

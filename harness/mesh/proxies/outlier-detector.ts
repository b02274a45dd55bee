/**
 * Envoy's outlier detection for one cluster as Istio configures it (mesh-semantics §5):
 * consecutive 5xx / gateway errors per host eject it at once; an `interval` tick brings a
 * host back once `baseEjectionTime × times ejected` has passed and lowers the multiplier
 * of hosts that stayed healthy; `maxEjectionPercent` caps ejections; `minHealthPercent`
 * is the panic threshold. The clock is injected so tests drive it.
 */
import { MAX_EJECTION_TIME_MS, type OutlierSettings } from '../control-plane/outlier-settings.ts';

interface HostState {
  consecutive5xx: number;
  consecutiveGateway: number;
  ejectedAt?: number;
  /** Envoy's num_ejections multiplier. */
  multiplier: number;
}

export interface OutlierCounters {
  ejectionsEnforcedTotal: number;
  ejectionsOverflow: number;
}

export type HostSelection<H> = { kind: 'hosts'; hosts: H[]; panic: boolean } | { kind: 'no-healthy-upstream' };

export class OutlierDetector<H> {
  private readonly state = new Map<H, HostState>();
  readonly counters: OutlierCounters = { ejectionsEnforcedTotal: 0, ejectionsOverflow: 0 };

  constructor(
    private readonly settings: OutlierSettings,
    private readonly hosts: readonly H[],
    private readonly now: () => number,
  ) {
    for (const host of hosts) this.state.set(host, { consecutive5xx: 0, consecutiveGateway: 0, multiplier: 0 });
  }

  get intervalMs(): number {
    return this.settings.intervalMs;
  }

  ejectedCount(): number {
    let n = 0;
    for (const s of this.state.values()) if (s.ejectedAt !== undefined) n++;
    return n;
  }

  isEjected(host: H): boolean {
    return this.state.get(host)?.ejectedAt !== undefined;
  }

  /** Result of one upstream attempt: local-origin failures count as 503, timeouts as 504. */
  record(host: H, status: number): void {
    const s = this.state.get(host);
    if (!s) return;
    if (status < 500) {
      s.consecutive5xx = 0;
      s.consecutiveGateway = 0;
      return;
    }
    s.consecutive5xx++;
    if (status === 502 || status === 503 || status === 504) s.consecutiveGateway++;
    else s.consecutiveGateway = 0;
    const { consecutive5xx, consecutiveGateway } = this.settings;
    const tripped = (consecutive5xx !== undefined && s.consecutive5xx >= consecutive5xx) || (consecutiveGateway !== undefined && s.consecutiveGateway >= consecutiveGateway);
    if (tripped) {
      // Envoy resets the counter once it has acted on it, ejected or not.
      s.consecutive5xx = 0;
      s.consecutiveGateway = 0;
      if (s.ejectedAt === undefined) this.eject(s);
    }
  }

  private eject(s: HostState): void {
    const ejectedAfter = this.ejectedCount() + 1;
    if ((100 * ejectedAfter) / this.hosts.length > this.settings.maxEjectionPercent) {
      this.counters.ejectionsOverflow++;
      return;
    }
    // Envoy grows the multiplier only until base × multiplier passes the cap (mesh-semantics §5;
    // outlier_detection_impl ejectHost: while backoff × base < max + base), so healthy intervals
    // bring a host that flapped for long back to short ejections as soon as one that flapped briefly.
    const base = this.settings.baseEjectionMs;
    if (base * s.multiplier < this.maxEjectionMs() + base) s.multiplier++;
    s.ejectedAt = this.now();
    this.counters.ejectionsEnforcedTotal++;
  }

  /** Envoy's max_ejection_time, which Istio leaves at its default; never below the base. */
  private maxEjectionMs(): number {
    return Math.max(MAX_EJECTION_TIME_MS, this.settings.baseEjectionMs);
  }

  /** One `interval` tick: un-eject hosts whose time is up; healthy hosts' multiplier decays. */
  tick(): void {
    const now = this.now();
    for (const s of this.state.values()) {
      if (s.ejectedAt === undefined) {
        if (s.multiplier > 0) s.multiplier--;
        continue;
      }
      const ejectionMs = Math.min(this.settings.baseEjectionMs * s.multiplier, this.maxEjectionMs());
      if (now >= s.ejectedAt + ejectionMs) {
        s.ejectedAt = undefined;
        s.consecutive5xx = 0;
        s.consecutiveGateway = 0;
      }
    }
  }

  /** Hosts the load balancer may use; panic routes to all hosts when too few are healthy. */
  select(candidates: readonly H[]): HostSelection<H> {
    const healthy = candidates.filter((h) => !this.isEjected(h));
    if (candidates.length === 0) return { kind: 'no-healthy-upstream' };
    const healthyPercent = (100 * healthy.length) / candidates.length;
    if (this.settings.minHealthPercent > 0 && healthyPercent < this.settings.minHealthPercent) return { kind: 'hosts', hosts: [...candidates], panic: true };
    if (healthy.length === 0) return { kind: 'no-healthy-upstream' };
    return { kind: 'hosts', hosts: healthy, panic: false };
  }
}

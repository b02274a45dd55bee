/**
 * Envoy-style counters of one proxy. Counters are reset between measurements; gauges
 * (e.g. `outlier_detection.ejections_active`) describe the present and are read live.
 */
export class ProxyStats {
  private counters = new Map<string, number>();
  private gauges = new Map<string, () => number>();

  inc(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  removeGaugesWithPrefix(prefix: string): void {
    for (const name of [...this.gauges.keys()]) if (name.startsWith(prefix)) this.gauges.delete(name);
  }

  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, value] of [...this.counters].sort(([a], [b]) => a.localeCompare(b))) out[name] = value;
    for (const [name, read] of this.gauges) out[name] = read();
    return out;
  }

  reset(): void {
    this.counters.clear();
  }
}

/** `upstream_rq_503` and `upstream_rq_5xx`, as Envoy counts every response code twice. */
export function countResponseCode(stats: ProxyStats, prefix: string, status: number): void {
  stats.inc(`${prefix}_${status}`);
  stats.inc(`${prefix}_${Math.floor(status / 100)}xx`);
}

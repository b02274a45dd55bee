/**
 * Sums Envoy-named proxy counters over the clusters that serve the plan's destination.
 * Keys look like `cluster.outbound|80||appflaky.retryns.svc.cluster.local.upstream_rq_retry`:
 * the cluster name holds dots, so a key is split by matching its known counter suffix
 * rather than at a dot. Fault-filter counters (`fault.aborts_injected`, possibly behind an
 * `http.<prefix>.` stat prefix) are summed over every proxy, since only the proxy that
 * serves the route injects.
 */
import type { Measured, ProxyCounterName, ProxyCountersReport } from '../report-types.ts';
import type { ProxyStats } from '../../model/proxy-observations.ts';

const CLUSTER_COUNTERS: Record<Exclude<ProxyCounterName, 'faultAbortsInjected' | 'faultDelaysInjected'>, string> = {
  upstreamRequests: 'upstream_rq_total',
  retries: 'upstream_rq_retry',
  retrySuccesses: 'upstream_rq_retry_success',
  retryLimitExceeded: 'upstream_rq_retry_limit_exceeded',
  retryOverflows: 'upstream_rq_retry_overflow',
  perTryTimeouts: 'upstream_rq_per_try_timeout',
  routeTimeouts: 'upstream_rq_timeout',
  pendingOverflows: 'upstream_rq_pending_overflow',
  connectionOverflows: 'upstream_cx_overflow',
  ejections: 'outlier_detection.ejections_enforced_total',
};

const FAULT_COUNTERS: Record<'faultAbortsInjected' | 'faultDelaysInjected', string> = {
  faultAbortsInjected: 'fault.aborts_injected',
  faultDelaysInjected: 'fault.delays_injected',
};

export const PROXY_COUNTER_NAMES: readonly ProxyCounterName[] = [
  ...(Object.keys(CLUSTER_COUNTERS) as ProxyCounterName[]),
  ...(Object.keys(FAULT_COUNTERS) as ProxyCounterName[]),
];

/** Envoy's stat name for a report counter, for tables and docs. */
export function envoyStatName(name: ProxyCounterName): string {
  return (CLUSTER_COUNTERS as Record<string, string>)[name] ?? (FAULT_COUNTERS as Record<string, string>)[name];
}

/** `outbound|80||appflaky.retryns.svc.cluster.local` → `appflaky.retryns.svc.cluster.local`. */
function clusterHost(cluster: string): string | undefined {
  const parts = cluster.split('|');
  return parts.length === 4 && parts[0] === 'outbound' ? parts[3] : undefined;
}

/** The plan URL's host matches a cluster host exactly, or as its short name (`appflaky` ~ `appflaky.retryns.svc...`). */
export function clusterServesHost(cluster: string, host: string): boolean {
  const candidate = clusterHost(cluster);
  if (!candidate || !host) return false;
  return candidate === host || candidate.startsWith(`${host}.`);
}

export function hostOfUrl(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function splitClusterKey(key: string): { cluster: string; stat: string } | undefined {
  if (!key.startsWith('cluster.')) return undefined;
  for (const stat of Object.values(CLUSTER_COUNTERS)) {
    if (key.endsWith(`.${stat}`)) return { cluster: key.slice('cluster.'.length, -(stat.length + 1)), stat };
  }
  return undefined;
}

function unavailable(reason: string): ProxyCountersReport {
  const counters = {} as Record<ProxyCounterName, Measured>;
  for (const name of PROXY_COUNTER_NAMES) counters[name] = { value: null, reason };
  return { available: false, reason, clusters: [], proxies: [], counters };
}

export function sumProxyCounters(stats: ProxyStats | undefined, missingReason: string, destinationHost: string): ProxyCountersReport {
  if (!stats) return unavailable(missingReason);
  if (stats.unavailable) return unavailable(`proxy stats unavailable: ${stats.unavailable}`);
  const proxies = Object.keys(stats.proxies ?? {}).sort();
  const sums = new Map<string, number>();
  const clusters = new Set<string>();
  let sawOutbound = false;
  for (const proxy of proxies) {
    for (const [key, value] of Object.entries(stats.proxies[proxy] ?? {})) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      if (key.startsWith('cluster.outbound|')) sawOutbound = true;
      const split = splitClusterKey(key);
      if (split) {
        if (!clusterServesHost(split.cluster, destinationHost)) continue;
        clusters.add(split.cluster);
        sums.set(split.stat, (sums.get(split.stat) ?? 0) + value);
        continue;
      }
      for (const stat of Object.values(FAULT_COUNTERS)) {
        if (key === stat || key.endsWith(`.${stat}`)) sums.set(stat, (sums.get(stat) ?? 0) + value);
      }
    }
  }
  // A proxy that has any outbound stats emits a counter once it moves, so a missing key is a
  // zero. No outbound stats at all means they were hidden (Istio's default stats inclusion),
  // and then nothing can be said about retries.
  const hiddenReason =
    'the proxies report no cluster.outbound counters (on a cluster, annotate the client pod with proxy.istio.io/config proxyStatsMatcher inclusionPrefixes ["cluster.outbound"])';
  const counters = {} as Record<ProxyCounterName, Measured>;
  for (const [name, stat] of Object.entries(CLUSTER_COUNTERS)) {
    counters[name as ProxyCounterName] = sawOutbound ? { value: sums.get(stat) ?? 0 } : { value: null, reason: hiddenReason };
  }
  for (const [name, stat] of Object.entries(FAULT_COUNTERS)) {
    const seen = sums.get(stat);
    counters[name as ProxyCounterName] = seen !== undefined || sawOutbound ? { value: seen ?? 0 } : { value: null, reason: hiddenReason };
  }
  return { available: true, clusters: [...clusters].sort(), proxies, counters };
}

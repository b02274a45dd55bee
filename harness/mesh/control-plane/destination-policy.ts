/**
 * The DestinationRule view of one cluster: which endpoints a subset selects and the
 * traffic policy that applies (a subset's policy replaces the rule's top-level fields it
 * sets, as Istio merges them), turned into the limits and settings the proxy enforces.
 */
import type { ConnectionPoolSettings, DestinationRule, IstioConfig, TrafficPolicy } from '../../model/istio-objects.ts';
import { optionalDurationMs } from './duration.ts';
import { ROOT_NAMESPACE } from './peer-authentication.ts';
import { qualifyHost } from '../../istio/semantics/service-hosts.ts';
import type { Endpoint, MeshService } from './topology.ts';
import { type OutlierSettings, resolveOutlierSettings } from './outlier-settings.ts';

/** Istio's "unlimited" for every connection-pool field. */
export const UNLIMITED = 2 ** 32 - 1;
export const DEFAULT_IDLE_TIMEOUT_MS = 3_600_000;

export interface PoolLimits {
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
  /** 0 = unlimited. */
  maxRequestsPerConnection: number;
  maxRetries: number;
  idleTimeoutMs: number;
}

export type UpstreamTls = 'mtls' | 'plaintext' | 'simple';

/** `trafficPolicy.loadBalancer.simple` as the proxies run it; Istio's default is LEAST_REQUEST. */
export type LoadBalancerPolicy = 'LEAST_REQUEST' | 'ROUND_ROBIN' | 'RANDOM';

export interface ClusterPolicy {
  limits: PoolLimits;
  loadBalancer: LoadBalancerPolicy;
  outlier?: OutlierSettings;
  /** DestinationRule tls mode, when one is set (it always beats auto mTLS). */
  tlsOverride?: UpstreamTls;
  /** Endpoints the subset selects; undefined when the subset does not exist. */
  endpoints?: Endpoint[];
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value === undefined || value <= 0 ? fallback : value;
}

export function resolvePoolLimits(pool: ConnectionPoolSettings | undefined): PoolLimits {
  return {
    maxConnections: positiveOr(pool?.tcp?.maxConnections, UNLIMITED),
    maxPendingRequests: positiveOr(pool?.http?.http1MaxPendingRequests, UNLIMITED),
    maxRequests: positiveOr(pool?.http?.http2MaxRequests, UNLIMITED),
    maxRequestsPerConnection: positiveOr(pool?.http?.maxRequestsPerConnection, 0),
    maxRetries: positiveOr(pool?.http?.maxRetries, UNLIMITED),
    idleTimeoutMs: optionalDurationMs(pool?.http?.idleTimeout) || DEFAULT_IDLE_TIMEOUT_MS,
  };
}

/**
 * The model types `loadBalancer` loosely (the validator passes it through), so it is read
 * here. LEAST_CONN is Istio's deprecated name for LEAST_REQUEST; consistent hashing,
 * PASSTHROUGH and UNSPECIFIED fall back to the default.
 */
export function loadBalancerOf(policy: TrafficPolicy | undefined): LoadBalancerPolicy {
  const simple = looseLoadBalancer(policy)?.simple;
  return simple === 'ROUND_ROBIN' || simple === 'RANDOM' ? simple : 'LEAST_REQUEST';
}

/** A balancer the policy asks for that the proxies run as LEAST_REQUEST instead (consistent hashing, PASSTHROUGH). */
export function loadBalancerNotRun(policy: TrafficPolicy | undefined): boolean {
  const balancer = looseLoadBalancer(policy);
  return balancer?.consistentHash !== undefined || balancer?.simple === 'PASSTHROUGH';
}

function looseLoadBalancer(policy: TrafficPolicy | undefined): { simple?: unknown; consistentHash?: unknown } | undefined {
  return (policy as { loadBalancer?: { simple?: unknown; consistentHash?: unknown } } | undefined)?.loadBalancer;
}

function tlsOf(policy: TrafficPolicy | undefined): UpstreamTls | undefined {
  switch (policy?.tls?.mode) {
    case undefined:
      return undefined;
    case 'DISABLE':
      return 'plaintext';
    case 'SIMPLE':
      return 'simple';
    default:
      return 'mtls';
  }
}

/**
 * The rule for `host` seen from a proxy in `proxyNamespace`: Istio prefers the proxy's
 * namespace, then the service's, then the root namespace.
 */
export function findDestinationRule(config: IstioConfig, host: string, proxyNamespace: string, serviceNamespace: string | undefined): DestinationRule | undefined {
  const matching = config.destinationRules.filter((dr) => qualifyHost(dr.spec.host, dr.metadata.namespace ?? 'default') === host);
  for (const ns of [proxyNamespace, serviceNamespace, ROOT_NAMESPACE]) {
    const found = matching.find((dr) => (dr.metadata.namespace ?? 'default') === ns);
    if (found) return found;
  }
  return matching[0];
}

export function resolveClusterPolicy(options: {
  config: IstioConfig;
  host: string;
  subset?: string;
  service?: MeshService;
  proxyNamespace: string;
}): ClusterPolicy {
  const rule = findDestinationRule(options.config, options.host, options.proxyNamespace, options.service?.namespace);
  const top = rule?.spec.trafficPolicy;
  let endpoints = options.service?.endpoints;
  let subsetPolicy: TrafficPolicy | undefined;
  if (options.subset !== undefined) {
    const subset = rule?.spec.subsets?.find((s) => s.name === options.subset);
    subsetPolicy = subset?.trafficPolicy;
    endpoints = subset ? endpoints?.filter((e) => Object.entries(subset.labels ?? {}).every(([k, v]) => e.labels[k] === v)) : undefined;
  }
  const merged: TrafficPolicy = {
    connectionPool: subsetPolicy?.connectionPool ?? top?.connectionPool,
    outlierDetection: subsetPolicy?.outlierDetection ?? top?.outlierDetection,
    tls: subsetPolicy?.tls ?? top?.tls,
  };
  const subsetBalancer = (subsetPolicy as { loadBalancer?: unknown } | undefined)?.loadBalancer;
  return {
    limits: resolvePoolLimits(merged.connectionPool),
    loadBalancer: loadBalancerOf(subsetBalancer ? subsetPolicy : top),
    outlier: merged.outlierDetection ? resolveOutlierSettings(merged.outlierDetection) : undefined,
    tlsOverride: tlsOf(merged),
    endpoints,
  };
}

/**
 * What the local mesh does not reproduce for a given configuration, in words a report can
 * show next to the results. Pure: computed from the options and the applied config.
 */
import type { IstioConfig } from '../istio/types.ts';
import type { LocalMeshOptions } from './api.ts';
import { optionalDurationMs } from './duration.ts';

/** Below this, the local proxies' own latency (Node, not Envoy) is a noticeable share of a timeout. */
const SHORT_TIMEOUT_MS = 20;

const ALWAYS = [
  'HTTP/1.1 between proxies (no HTTP/2): http2MaxRequests caps requests in flight, and refused-stream never fires.',
  'Round-robin load balancing (Istio defaults to LEAST_REQUEST); one locality, so locality failover and retryRemoteLocalities have no effect.',
  'Route and per-try timeouts stop once response headers arrive (Envoy also covers the body); bodies here are small.',
];

export function meshLimitations(options: Pick<LocalMeshOptions, 'workloads'>, config: IstioConfig | undefined): string[] {
  const out = [...ALWAYS];
  if (!config) return out;
  const routes = config.virtualServices.flatMap((vs) => vs.spec.http ?? []);
  const timeouts = routes.flatMap((r) => [optionalDurationMs(r.retries?.perTryTimeout), optionalDurationMs(r.timeout)]).filter((ms): ms is number => ms !== undefined && ms > 0);
  const shortest = Math.min(...timeouts);
  if (shortest < SHORT_TIMEOUT_MS) {
    out.push(
      `A ${shortest} ms timeout is close to the local sidecars' own latency (about 1-3 ms per hop, more with GC pauses or a busy machine, where Envoy adds well under 1 ms): it fires more often here than on a cluster, and each per-try timeout closes its connection, which adds load.`,
    );
  }
  if (routes.some((r) => /cancelled|deadline-exceeded|internal|resource-exhausted|unavailable/.test(r.retries?.retryOn ?? ''))) {
    out.push('The sample apps speak plain HTTP, not gRPC: gRPC retry conditions in retryOn never match.');
  }
  if (routes.some((r) => /retriable-headers|envoy-ratelimited|http3-post-connect-failure/.test(r.retries?.retryOn ?? ''))) {
    out.push('retryOn retriable-headers, envoy-ratelimited and http3-post-connect-failure are accepted but never fire locally.');
  }
  const policies = config.destinationRules.flatMap((dr) => [dr.spec.trafficPolicy, ...(dr.spec.subsets ?? []).map((s) => s.trafficPolicy)]);
  if (policies.some((p) => p?.tls?.mode === 'SIMPLE' || p?.tls?.mode === 'MUTUAL')) {
    out.push('DestinationRule tls SIMPLE/MUTUAL: the local mesh has no user-supplied certificates; MUTUAL is treated as ISTIO_MUTUAL and SIMPLE presents no client certificate (so a sidecar rejects it).');
  }
  if (policies.some((p) => p?.outlierDetection?.consecutiveErrors !== undefined)) {
    out.push('outlierDetection.consecutiveErrors is ignored, as Istio has ignored it since 1.7.');
  }
  const namespacesWithManyPolicies = new Map<string, number>();
  for (const pa of config.peerAuthentications) {
    if (Object.keys(pa.spec.selector?.matchLabels ?? {}).length > 0) continue;
    const ns = pa.metadata.namespace ?? 'default';
    namespacesWithManyPolicies.set(ns, (namespacesWithManyPolicies.get(ns) ?? 0) + 1);
  }
  if ([...namespacesWithManyPolicies.values()].some((n) => n > 1)) {
    out.push('Several PeerAuthentications in one scope: "oldest wins" is taken as the first in configuration order (no creation timestamps locally).');
  }
  if (config.gateways.some((g) => g.spec.servers.some((s) => s.port.protocol.toUpperCase() !== 'HTTP'))) {
    out.push('Gateway servers other than plain HTTP (HTTPS/TLS termination, TCP) are served as plain HTTP locally.');
  }
  if (options.workloads.some((w) => !w.sidecar)) {
    out.push('Workloads without a sidecar are reached in plaintext and enforce no PeerAuthentication, as on a cluster.');
  }
  return out;
}

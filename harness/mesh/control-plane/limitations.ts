/**
 * What the local mesh does not reproduce for a given configuration, in words a report can
 * show next to the results. Pure: computed from the options and the applied config.
 */
import type { IstioConfig } from '../../model/istio-objects.ts';
import type { LocalMeshOptions } from '../api.ts';
import { loadBalancerNotRun } from './destination-policy.ts';
import { optionalDurationMs } from './duration.ts';

/** Below this, the local proxies' own latency (Node, not Envoy) is a noticeable share of a timeout. */
const SHORT_TIMEOUT_MS = 20;
/**
 * At or below this per-try timeout (with retries), a timed-out try's replacement connection
 * costs the local mesh more CPU than the timeout leaves room for when the CPU is contended.
 */
const RECONNECT_STORM_PER_TRY_MS = 10;

const ALWAYS = [
  'HTTP/1.1 between proxies (no HTTP/2): http2MaxRequests caps requests in flight, and refused-stream never fires.',
  'One locality, so locality failover and retryRemoteLocalities have no effect.',
  'Route and per-try timeouts stop once response headers arrive (Envoy also covers the body); bodies here are small.',
];

export function meshLimitations(options: Pick<LocalMeshOptions, 'workloads' | 'threads'>, config: IstioConfig | undefined): string[] {
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
  const retriedPerTry = routes
    .filter((r) => (r.retries?.attempts ?? 2) > 0)
    .map((r) => optionalDurationMs(r.retries?.perTryTimeout))
    .filter((ms): ms is number => ms !== undefined && ms > 0 && ms <= RECONNECT_STORM_PER_TRY_MS);
  if (retriedPerTry.length > 0) {
    const ms = Math.min(...retriedPerTry);
    // Figures measured on a 2-core machine with Node 20 (OpenSSL 3.0): perf/mesh-retries-lab.ts.
    out.push(
      `perTryTimeout ${ms} ms with retries: each per-try timeout closes its connection (as Envoy does on HTTP/1.1) and the retry opens a new mutual-TLS one, which costs the local mesh about 4 ms of CPU (Envoy: well under 1 ms), against about 2 ms for a whole request on a kept-alive connection. The retries lab at 100 req/s holds (no errors, a few dozen per-try timeouts at most, also beside one busy process), but on a machine whose CPU is already saturated timeouts can close connections faster than the mesh reopens them, a reconnect storm a cluster would not show (thousands of per-try timeouts, most requests failing); at 300 req/s on a 2-core machine shared with other work it did not hold (1,400 to 3,000 per-try timeouts and 1 to 37 % errors in 1,800 requests, perf/mesh-retries-lab.ts). Run such stages on a machine with a free core.`,
    );
    if (options.threads === 'single') {
      out.push(
        'threads: single puts the client\'s and the servers\' TLS handshakes on one event loop, where each one delays the other tries into timeouts: the retries lab at 100 req/s collapsed into a reconnect storm in 2 of 3 runs even on a quiet machine. Leave threads unset for such stages.',
      );
    }
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
  if (policies.some(loadBalancerNotRun)) {
    out.push(
      'loadBalancer consistentHash and PASSTHROUGH run as LEAST_REQUEST locally (mesh-semantics §11): requests are not pinned to a host by their hash, and retries still avoid hosts already tried, where Istio leaves that out for consistent hashing.',
    );
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

/**
 * What a target observes at its proxies, in Envoy's terms, whichever target it is: the
 * counters of each proxy and its access log. The local mesh produces them, a cluster's
 * sidecars are read for them, and the report reads them back from the run folder.
 */

/** Envoy-named counters per proxy, e.g. proxies["client-sidecar"]["cluster.outbound|80||appflaky.retryns.svc.cluster.local.upstream_rq_retry"]. */
export interface ProxyStats {
  collectedAt: string;
  proxies: Record<string, Record<string, number>>;
  /** Set when stats could not be read (e.g. cluster without the stats annotation). */
  unavailable?: string;
}

/** One line of an Envoy-style access log. */
export interface AccessLogEntry {
  time: string;
  proxy: string;
  method: string;
  path: string;
  authority: string;
  status: number;
  /** Envoy response flags: UO UH UT URX UF UC UR DI FI NR, or "-". */
  flags: string;
  attempts: number;
  durationMs: number;
  upstreamHost?: string;
  /** Envoy cluster name of the upstream (`outbound|80||appflaky.retryns.svc.cluster.local`). */
  upstreamCluster?: string;
  /** SPIFFE identity of the downstream peer, when it connected with mutual TLS. */
  peerIdentity?: string;
}

/**
 * How many times a retry's host may be drawn (mesh-semantics §1.10): Istio attaches
 * Envoy's `previous_hosts` predicate with `host_selection_retry_max_attempts: 5`, and
 * Envoy draws the first host plus up to that many more, keeping the last draw when every
 * one was a host already tried. The mesh's load balancer and the expected-outcome model
 * both read it here.
 */
export const HOST_SELECTION_PICKS = 6;

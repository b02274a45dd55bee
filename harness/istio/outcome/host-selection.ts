/**
 * One request's tries over the endpoints of one cluster when they do not all behave
 * alike (a Service over a healthy Deployment and a broken canary, say).
 *
 * Istio puts Envoy's `previous_hosts` retry predicate on every route with retries, with
 * `host_selection_retry_max_attempts: 5` (docs/mesh-semantics.md §1): a retry's host is picked
 * again while it is one the request already tried, six picks at most, and the last pick is
 * used whatever it is (Envoy `load_balancer_impl.cc`, `chooseHost`). What a pick returns
 * depends on the load balancer:
 *
 * - round robin: consecutive picks are different hosts, so up to six hosts a retry always
 *   reaches one not tried yet while there is one; *which* depends on where the other
 *   requests left the rotation, so the model takes the least and the most favourable
 *   choice at every retry (bounds);
 * - least request (Istio's default, two random choices, the less busy wins: uniform when
 *   the hosts carry the same load) and random: every pick is uniform, so a retry lands on
 *   an already tried host only when all six picks did: `(tried / hosts)^6`.
 *
 * Either way the first try reaches each endpoint equally often. Pure; tested in
 * test/istio/expected-outcome-hosts.test.ts and against the mesh in test/model/.
 */

import { HOST_SELECTION_PICKS } from '../semantics/host-selection-picks.ts';

export interface HostGroup {
  /** Endpoints of this group (replicas of one Deployment). */
  replicas: number;
  /** Probability that one try on such a host ends the request with the outcome counted (success, or a network error). */
  ends: number;
  /** Probability that one try fails in a way that is retried. */
  retried: number;
}

export type HostChoice = 'uniform' | 'least-favourable' | 'most-favourable';

/** Probability that a request of `tries` tries at most ends with the counted outcome. */
export function sequenceOutcome(groups: readonly HostGroup[], tries: number, choice: HostChoice): number {
  const hosts = groups.reduce((sum, g) => sum + g.replicas, 0);
  if (hosts === 0 || tries <= 0) return 0;
  const memo = new Map<string, number>();

  const afterTry = (g: number, tried: readonly number[], left: number): number => {
    const next = tried[g] < groups[g].replicas ? tried.map((t, i) => (i === g ? t + 1 : t)) : tried;
    return groups[g].ends + groups[g].retried * retry(next, left - 1);
  };

  // The value of the remaining tries once the hosts in `tried` (counts per group) were tried.
  const retry = (tried: readonly number[], left: number): number => {
    if (left <= 0) return 0;
    const key = `${tried.join(',')}/${left}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const triedCount = tried.reduce((a, b) => a + b, 0);
    let value = 0;
    if (choice === 'uniform') {
      if (triedCount >= hosts) {
        groups.forEach((g, i) => {
          value += (g.replicas / hosts) * afterTry(i, tried, left);
        });
      } else {
        const backToTried = (triedCount / hosts) ** HOST_SELECTION_PICKS;
        groups.forEach((g, i) => {
          const untried = g.replicas - tried[i];
          if (untried > 0) value += (1 - backToTried) * (untried / (hosts - triedCount)) * afterTry(i, tried, left);
          // Landing on a tried host leaves the tried set as it is.
          if (tried[i] > 0 && triedCount > 0) value += backToTried * (tried[i] / triedCount) * (groups[i].ends + groups[i].retried * retry(tried, left - 1));
        });
      }
    } else {
      // Round robin finds an untried host within six consecutive picks while one is left.
      const onlyUntried = triedCount < hosts && hosts <= HOST_SELECTION_PICKS;
      const candidates = groups.map((_, i) => i).filter((i) => groups[i].replicas > 0 && (!onlyUntried || tried[i] < groups[i].replicas));
      const values = candidates.map((i) => afterTry(i, tried, left));
      value = choice === 'least-favourable' ? Math.min(...values) : Math.max(...values);
    }
    memo.set(key, value);
    return value;
  };

  const none = groups.map(() => 0);
  return groups.reduce((sum, g, i) => sum + (g.replicas / hosts) * afterTry(i, none, tries), 0);
}

/**
 * Bounds that hold for round robin and for least request alike (the load balancer a
 * cluster uses is not part of the model's input; Istio's default is least request).
 */
export function sequenceBounds(groups: readonly HostGroup[], tries: number): { min: number; max: number } {
  const uniform = sequenceOutcome(groups, tries, 'uniform');
  return {
    min: Math.min(uniform, sequenceOutcome(groups, tries, 'least-favourable')),
    max: Math.max(uniform, sequenceOutcome(groups, tries, 'most-favourable')),
  };
}

/**
 * Host choice within one cluster (mesh-semantics §11, and §1.10 for retries): Istio's default LEAST_REQUEST
 * (Envoy's power of two choices with all weights equal: two hosts drawn at random, with
 * replacement, the one with fewer active requests wins, the first on a tie), or
 * ROUND_ROBIN / RANDOM when a DestinationRule's `loadBalancer.simple` asks for it. Every
 * policy keeps Envoy's `previous_hosts` retry predicate: a retry avoids hosts already
 * tried while another is available (the first draw plus Istio's 5 host selection retries).
 */
import type { LoadBalancerPolicy } from '../control-plane/destination-policy.ts';
import { HOST_SELECTION_PICKS } from '../../istio/semantics/host-selection-picks.ts';
import type { Random } from '../shared/random.ts';

/** Envoy's `choice_count` default for LEAST_REQUEST. */
const LEAST_REQUEST_CHOICES = 2;

export interface LoadBalancer<H> {
  pick(hosts: readonly H[], avoid: ReadonlySet<H>): H | undefined;
}

/** Applies `previous_hosts`: draws again while the choice was already tried, up to 6 draws in all. */
function avoidingPrevious<H>(hosts: readonly H[], avoid: ReadonlySet<H>, draw: () => H): H | undefined {
  if (hosts.length === 0) return undefined;
  let chosen = draw();
  for (let i = 1; i < HOST_SELECTION_PICKS && avoid.has(chosen); i++) chosen = draw();
  return chosen;
}

export class RoundRobin<H> implements LoadBalancer<H> {
  private next = 0;

  pick(hosts: readonly H[], avoid: ReadonlySet<H>): H | undefined {
    return avoidingPrevious(hosts, avoid, () => hosts[this.next++ % hosts.length]);
  }
}

export class RandomChoice<H> implements LoadBalancer<H> {
  constructor(private readonly random: Random) {}

  pick(hosts: readonly H[], avoid: ReadonlySet<H>): H | undefined {
    return avoidingPrevious(hosts, avoid, () => hosts[Math.floor(this.random() * hosts.length)]);
  }
}

export class LeastRequest<H> implements LoadBalancer<H> {
  constructor(
    private readonly random: Random,
    /** Requests in flight to a host (Envoy's host `rq_active`). */
    private readonly activeRequests: (host: H) => number,
  ) {}

  pick(hosts: readonly H[], avoid: ReadonlySet<H>): H | undefined {
    return avoidingPrevious(hosts, avoid, () => {
      let candidate = hosts[Math.floor(this.random() * hosts.length)];
      for (let i = 1; i < LEAST_REQUEST_CHOICES; i++) {
        const sampled = hosts[Math.floor(this.random() * hosts.length)];
        if (this.activeRequests(sampled) < this.activeRequests(candidate)) candidate = sampled;
      }
      return candidate;
    });
  }
}

export function createLoadBalancer<H>(policy: LoadBalancerPolicy, random: Random, activeRequests: (host: H) => number): LoadBalancer<H> {
  switch (policy) {
    case 'ROUND_ROBIN':
      return new RoundRobin<H>();
    case 'RANDOM':
      return new RandomChoice<H>(random);
    case 'LEAST_REQUEST':
      return new LeastRequest<H>(random, activeRequests);
  }
}

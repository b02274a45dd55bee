/**
 * Round-robin host choice with Envoy's `previous_hosts` retry predicate: a retry avoids
 * hosts already tried while another one is available (Istio sets 5 selection attempts).
 */
const HOST_SELECTION_ATTEMPTS = 5;

export class RoundRobin<H> {
  private next = 0;

  pick(hosts: readonly H[], avoid: ReadonlySet<H>): H | undefined {
    if (hosts.length === 0) return undefined;
    let chosen: H | undefined;
    for (let i = 0; i < Math.min(HOST_SELECTION_ATTEMPTS, hosts.length); i++) {
      chosen = hosts[this.next++ % hosts.length];
      if (!avoid.has(chosen)) return chosen;
    }
    return chosen;
  }
}

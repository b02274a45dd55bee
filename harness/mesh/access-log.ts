/**
 * Envoy-style access log shared by the proxies of one mesh. Bounded, because a long
 * stage at a high rate must not grow memory without limit: the oldest entries go first
 * and the number dropped is kept so a reader knows the log is partial.
 */
import type { AccessLogEntry } from './api.ts';

const MAX_ENTRIES = 200_000;

export class AccessLog {
  private entries: AccessLogEntry[] = [];
  dropped = 0;

  push(entry: AccessLogEntry): void {
    if (this.entries.length >= MAX_ENTRIES) {
      // Drop a tenth at once so a full log costs O(1) amortised per entry.
      const drop = MAX_ENTRIES / 10;
      this.entries.splice(0, drop);
      this.dropped += drop;
    }
    this.entries.push(entry);
  }

  drain(): AccessLogEntry[] {
    const out = this.entries;
    this.entries = [];
    this.dropped = 0;
    return out;
  }
}

/** Envoy prints `-` when no flag is set. */
export function formatFlags(flags: Iterable<string>): string {
  const list = [...new Set(flags)];
  return list.length === 0 ? '-' : list.join(',');
}

/**
 * Envoy-style access log shared by the proxies of one mesh. Bounded, because a long
 * stage at a high rate must not grow memory without limit: the oldest entries go first
 * and the number dropped is kept so a reader knows the log is partial.
 */
import { countResponseCode, type ProxyStats } from './stats.ts';
import type { AccessLogEntry } from '../../model/proxy-observations.ts';

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

export type DownstreamLog = (status: number, flags: string[], attempts: number, extra?: Partial<AccessLogEntry>) => void;

/**
 * What every proxy does once a downstream request is answered: count the response code
 * under its listener's stat prefix and write one access-log line, timed from `startedAt`.
 */
export function downstreamRequestLog(options: {
  log: AccessLog;
  stats: ProxyStats;
  statPrefix: string;
  proxy: string;
  request: { method: string; path: string; authority: string };
  startedAt: number;
  extra?: Partial<AccessLogEntry>;
}): DownstreamLog {
  const { log, stats, statPrefix, proxy, request, startedAt } = options;
  return (status, flags, attempts, extra) => {
    if (status > 0) countResponseCode(stats, `${statPrefix}downstream_rq`, status);
    log.push({
      time: new Date(startedAt).toISOString(),
      proxy,
      ...request,
      status,
      flags: formatFlags(flags),
      attempts,
      durationMs: Date.now() - startedAt,
      ...options.extra,
      ...extra,
    });
  };
}

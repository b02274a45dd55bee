/**
 * Counts Envoy response flags (UO, UH, FI, URX, ...) in a cell's access log. Flags are
 * per request at the proxy that set them (the client sidecar for overflow, no healthy
 * upstream and injected faults), so a flag count is a count of affected requests.
 */
import type { AccessLogSummary } from '../report-types.ts';
import type { Loaded } from '../read-run-folder.ts';
import type { AccessLogEntry } from '../../model/proxy-observations.ts';

/** "URX,UF" or "URX UF" → ["URX", "UF"]; "-" → []. */
export function parseFlags(flags: string): string[] {
  return flags
    .split(/[,\s]+/)
    .map((flag) => flag.trim())
    .filter((flag) => flag && flag !== '-');
}

export function summariseAccessLog(loaded: Loaded<{ entries: AccessLogEntry[]; skippedLines: number }>): AccessLogSummary {
  if (!loaded.ok) return { available: false, reason: loaded.reason, entries: 0, skippedLines: 0, flags: {} };
  const flags: Record<string, number> = {};
  for (const entry of loaded.value.entries) {
    for (const flag of new Set(parseFlags(entry.flags))) flags[flag] = (flags[flag] ?? 0) + 1;
  }
  return { available: true, entries: loaded.value.entries.length, skippedLines: loaded.value.skippedLines, flags };
}

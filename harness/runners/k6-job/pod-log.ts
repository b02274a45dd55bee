/** Reading a k6 Job pod's log: the summary between the marker lines, and k6's exit code. */
import type { K6SummaryData } from '../../model/k6-summary.ts';
import { EXIT_CODE_PREFIX, PROXY_STATS_BEGIN, PROXY_STATS_END, SUMMARY_BEGIN, SUMMARY_END } from './manifests.ts';

export interface PodLogResult {
  /** Undefined when the markers are missing or what is between them is not a summary. */
  summary?: K6SummaryData;
  /** k6's exit code as the pod printed it; undefined when the pod died before. */
  exitCode?: number;
  /** The in-mesh pod's sidecar counters (Prometheus text) as printed after k6 finished. */
  proxyStats?: string;
}

export function parsePodLog(log: string): PodLogResult {
  const lines = log.split(/\r?\n/);
  const begin = lines.lastIndexOf(SUMMARY_BEGIN);
  const end = begin === -1 ? -1 : lines.indexOf(SUMMARY_END, begin + 1);
  const result: PodLogResult = {};
  if (begin !== -1 && end !== -1) {
    try {
      const data = JSON.parse(lines.slice(begin + 1, end).join('\n')) as K6SummaryData;
      if (data && typeof data === 'object' && 'metrics' in data && 'root_group' in data) result.summary = data;
    } catch {
      // A truncated summary (pod killed mid-write) is no summary.
    }
  }
  const statsBegin = lines.lastIndexOf(PROXY_STATS_BEGIN);
  const statsEnd = statsBegin === -1 ? -1 : lines.indexOf(PROXY_STATS_END, statsBegin + 1);
  if (statsBegin !== -1 && statsEnd !== -1) result.proxyStats = lines.slice(statsBegin + 1, statsEnd).join('\n');
  const exitLine = lines.find((line) => line.startsWith(EXIT_CODE_PREFIX));
  if (exitLine !== undefined) {
    const code = Number(exitLine.slice(EXIT_CODE_PREFIX.length).trim());
    if (Number.isInteger(code)) result.exitCode = code;
  }
  return result;
}

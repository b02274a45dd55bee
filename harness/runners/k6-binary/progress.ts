/**
 * Parses k6's non-interactive progress lines. k6 pads the elapsed time to the width of
 * the run's longest possible duration, so a run that cannot reach a minute prints no
 * minutes: `running (01.0s), 00/05 VUs, 20 complete and 0 interrupted iterations`, a
 * longer one `running (00m05.2s), 020/200 VUs, …`, and one over an hour `(1h02m05.2s)`.
 * k6 prints no request count there, so `requests` is the completed iterations (one
 * request each in this project's scenarios) and `failed` stays 0 until the summary.
 */
import type { RunProgress } from '../runner.ts';

const LINE = /running \((?:(\d+)h)?(?:(\d+)m)?(\d+(?:\.\d+)?)s\), (\d+)\/(\d+) VUs, (\d+) complete and (\d+) interrupted iterations/;

export function parseProgressLine(line: string): RunProgress | undefined {
  const match = LINE.exec(line);
  if (!match) return undefined;
  const [, hours = '0', minutes = '0', seconds, vus, , complete] = match;
  return {
    elapsedMs: Math.round((Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000),
    requests: Number(complete),
    failed: 0,
    vus: Number(vus),
  };
}

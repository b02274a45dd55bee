/**
 * Equal execution segments for N runners, written as k6 and the k6-operator write them:
 * runner i (0-based) of N runs `i/N:(i+1)/N` of the sequence `0,1/N,…,1`, so together
 * they run the test once (k6's striping, see runners/embedded/execution-segment.ts).
 */
export function segmentSequence(runners: number): string {
  return Array.from({ length: runners + 1 }, (_, i) => point(i, runners)).join(',');
}

export function segmentOf(index: number, runners: number): string {
  return `${point(index, runners)}:${point(index + 1, runners)}`;
}

/** The `k6 run` flags for runner `index` of `runners`. */
export function segmentArgs(index: number, runners: number): string[] {
  return ['--execution-segment', segmentOf(index, runners), '--execution-segment-sequence', segmentSequence(runners)];
}

function point(i: number, n: number): string {
  if (i === 0) return '0';
  if (i === n) return '1';
  return `${i}/${n}`;
}

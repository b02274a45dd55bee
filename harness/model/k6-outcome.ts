/**
 * k6's process exit codes (k6 errext/exitcodes) and what each means to a run. Every engine
 * reports its outcome in these terms, and the run record and report keep them.
 */
/** k6's exit codes and what they mean to the harness. */
export type RunOutcomeKind =
  | 'ok'
  | 'thresholds-failed' // 99
  | 'setup-timeout' // 100
  | 'teardown-timeout' // 101
  | 'invalid-config' // 104
  | 'interrupted' // 105
  | 'script-exception' // 107
  | 'aborted-by-script' // 108
  | 'failed-by-script' // 110
  | 'engine-error'; // anything else

export const EXIT_CODE_OUTCOMES: Record<number, RunOutcomeKind> = {
  0: 'ok',
  99: 'thresholds-failed',
  100: 'setup-timeout',
  101: 'teardown-timeout',
  104: 'invalid-config',
  105: 'interrupted',
  107: 'script-exception',
  108: 'aborted-by-script',
  110: 'failed-by-script',
};

export function outcomeForExitCode(code: number): RunOutcomeKind {
  return EXIT_CODE_OUTCOMES[code] ?? 'engine-error';
}

/**
 * Every engine the harness knows, each in one line. `k6` and `embedded` run on the
 * harness's machine and a user picks them with `--engine` (see registry.ts); `k6-job` and
 * `k6-testrun` are how a cluster target starts real k6 inside the mesh.
 */
export const ENGINES = {
  k6: 'a k6 binary (>= 0.49) on PATH or in K6_BIN',
  embedded: "the bundled k6-compatible runtime, when no k6 is installed",
  'k6-job': 'real k6 in a Kubernetes Job inside the mesh',
  'k6-testrun': "real k6 runners started by the k6-operator's TestRun, merged by the harness",
} as const;

export type EngineName = keyof typeof ENGINES;

/** Engines that run real k6 (the summary and k6 version come from k6 itself). */
export function isRealK6(engine: string): boolean {
  return engine in ENGINES && engine !== 'embedded';
}

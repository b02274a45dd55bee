/**
 * Where the embedded runtime's figures can differ from real k6 v0.49's for the same
 * scenario, in words a report can show next to the results (README.md in this folder has
 * the whole list; these are the ones that move a number the report shows).
 */
export const EMBEDDED_LIMITATIONS: readonly string[] = [
  'Embedded k6 runtime (no k6 binary): a VU ramped down by ramping-vus finishes its iteration (k6 interrupts it after gracefulRampDown), and vus_max grows as later scenarios start (k6 initializes every scenario\'s VUs before the test).',
  'Embedded k6 runtime: HTTP/1.1 only (no HTTP/2), and randomSeed does not seed Math.random.',
];

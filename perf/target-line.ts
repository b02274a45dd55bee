/**
 * The one line a benchmark prints per target, so `npm run perf` can list every target of a
 * run together at the end: `TARGET <what>: <measured> (target <bound>) met|missed`.
 */
export const TARGET_PREFIX = 'TARGET ';
/** A figure that explains targets without being one (perf/proxy-floor.ts). */
export const REFERENCE_PREFIX = 'REFERENCE ';

export function reportTarget(what: string, measured: string, bound: string, met: boolean): boolean {
  console.log(`${TARGET_PREFIX}${what}: ${measured} (target ${bound}) ${met ? 'met' : 'missed'}`);
  return met;
}

/** `REFERENCE <what>: <measured>`: a figure listed beside the targets without being one. */
export function reportReference(what: string, measured: string): void {
  console.log(`${REFERENCE_PREFIX}${what}: ${measured}`);
}

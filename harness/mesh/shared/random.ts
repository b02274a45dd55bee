/**
 * Seeded randomness. Every random choice in the mesh (app failures, fault percentages,
 * back-off jitter, weighted routes) draws from its own stream derived from the mesh seed
 * and a stable label, so a run is reproducible and streams do not disturb each other.
 */
export type Random = () => number;

/** mulberry32: small, fast, good enough for simulation (not for cryptography). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for the stream named `label`, mixed from the mesh seed (FNV-1a, then a splitmix32 finaliser). */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash = (hash + 0x9e3779b9) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

export function streamFor(seed: number, label: string): Random {
  return createRandom(deriveSeed(seed, label));
}

/** True with probability `p` (p ≤ 0 never draws true, p ≥ 1 always). */
export function chance(random: Random, p: number): boolean {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return random() < p;
}

/** Standard normal sample (Box-Muller). */
export function normalSample(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

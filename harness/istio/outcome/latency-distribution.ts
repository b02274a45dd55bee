/**
 * The sample app's latency distributions as the model needs them: the probability that an
 * answer is ready within a cut-off (CDF), and a practical maximum. The app draws
 * `max(0, normal(mean, sd))` for `normal`, so its CDF at c ≥ 0 is Φ((c − mean) / sd).
 */
import type { LatencySpec } from '../../model/plan.ts';

/** P(latency ≤ cutoffMs). */
export function latencyCdf(latency: LatencySpec, cutoffMs: number): number {
  if (cutoffMs === Number.POSITIVE_INFINITY) return 1;
  switch (latency.kind) {
    case 'fixed':
      return latency.ms <= cutoffMs ? 1 : 0;
    case 'uniform':
      if (latency.maxMs === latency.minMs) return latency.minMs <= cutoffMs ? 1 : 0;
      return clamp01((cutoffMs - latency.minMs) / (latency.maxMs - latency.minMs));
    case 'normal':
      if (cutoffMs < 0) return 0;
      if (latency.stddevMs === 0) return latency.meanMs <= cutoffMs ? 1 : 0;
      return standardNormalCdf((cutoffMs - latency.meanMs) / latency.stddevMs);
  }
}

/** The longest answer to plan for: exact for fixed/uniform, mean + 6 sd for normal (P(exceed) ≈ 1e-9). */
export function practicalMaxLatency(latency: LatencySpec): number {
  switch (latency.kind) {
    case 'fixed':
      return latency.ms;
    case 'uniform':
      return latency.maxMs;
    case 'normal':
      return latency.meanMs + 6 * latency.stddevMs;
  }
}

/** The median, the "typical latency" the linter compares per-try timeouts with. */
export function typicalLatency(latency: LatencySpec): number {
  switch (latency.kind) {
    case 'fixed':
      return latency.ms;
    case 'uniform':
      return (latency.minMs + latency.maxMs) / 2;
    case 'normal':
      return Math.max(0, latency.meanMs);
  }
}

/** Φ(z) via erf (Abramowitz & Stegun 7.1.26, absolute error < 1.5e-7). */
export function standardNormalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

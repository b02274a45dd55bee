/**
 * The statistics the report and the baseline comparison need, as pure functions:
 * confidence intervals on proportions (Wilson score), the two-proportion z-test, the
 * normal distribution they rest on, Holm's correction for testing many cells at once, and
 * percentile helpers. No I/O, no randomness.
 */

export interface ProportionInterval {
  /** Point estimate `successes / trials` (0 when there were no trials). */
  point: number;
  lower: number;
  upper: number;
  confidence: number;
}

/** Standard normal cumulative distribution function Φ(z). */
export function normalCdf(z: number): number {
  if (z === Number.POSITIVE_INFINITY) return 1;
  if (z === Number.NEGATIVE_INFINITY) return 0;
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Complementary error function, W. J. Cody's rational Chebyshev approximation as given in
 * Numerical Recipes (`erfcc`): fractional error below 1.2e-7 everywhere, which is far
 * finer than any p-value or interval the report prints.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Inverse of Φ: the z with Φ(z) = p. Peter Acklam's rational approximation (relative
 * error below 1.15e-9), so `normalQuantile(0.975)` is 1.959964 as in every table.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  }
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pLow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Two-sided critical value for a confidence level: 1.96 for 0.95. */
export function zForConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * Wilson score interval for a binomial proportion. Chosen over the textbook (Wald)
 * interval because error rates here are often 0 % or 100 %, where Wald collapses to a
 * zero-width interval and claims certainty it does not have; Wilson stays honest at the
 * edges and for small samples. With no trials the interval is the whole [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): ProportionInterval {
  if (!Number.isFinite(successes) || !Number.isFinite(trials) || successes < 0 || trials < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: need 0 <= successes <= trials, got ${successes}/${trials}`);
  }
  if (trials === 0) return { point: 0, lower: 0, upper: 1, confidence };
  const z = zForConfidence(confidence);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // Clamp away floating-point dust so 0/n gives exactly 0 and n/n exactly 1.
  const lower = successes === 0 ? 0 : Math.max(0, centre - halfWidth);
  const upper = successes === trials ? 1 : Math.min(1, centre + halfWidth);
  return { point: p, lower, upper, confidence };
}

export interface TwoProportionTest {
  /** p1 − p2. */
  difference: number;
  /** Pooled-variance z statistic; 0 when both samples are all-or-nothing alike. */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * Pooled two-proportion z-test of H0: p1 = p2. When the pooled proportion is 0 or 1 the
 * two samples are identical in kind (no variance), so there is no evidence of a
 * difference: z = 0, p = 1. With an empty sample there is no evidence either.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): TwoProportionTest {
  if (n1 <= 0 || n2 <= 0) return { difference: 0, z: 0, pValue: 1 };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (variance <= 0) return { difference: p1 - p2, z: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return { difference: p1 - p2, z, pValue };
}

/**
 * Holm–Bonferroni adjusted p-values (same order as given). Comparing many stage ×
 * vantage cells at alpha 0.05 each would flag one in twenty by chance; adjusted values
 * keep the chance of any false alarm across the whole comparison at alpha.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Percentile of a sample by linear interpolation between closest ranks (the method k6
 * uses for `p(N)` trend columns), `p` in [0, 100]. Undefined for an empty sample.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** `p(95)` → 95, `med` → 50, anything else → undefined. Reads k6 trend column names. */
export function percentileOfTrendKey(key: string): number | undefined {
  if (key === 'med') return 50;
  const match = /^p\((\d+(?:\.\d+)?)\)$/.exec(key);
  return match ? Number(match[1]) : undefined;
}

/** (current − baseline) / baseline; undefined when the baseline is 0 (no scale to compare against). */
export function relativeChange(baseline: number, current: number): number | undefined {
  if (baseline === 0) return current === 0 ? 0 : undefined;
  return (current - baseline) / baseline;
}

/** Whether a probability lies inside an interval widened by `tolerance` on both sides. */
export function isWithinInterval(value: number, interval: { lower: number; upper: number }, tolerance = 0): boolean {
  return value >= interval.lower - tolerance && value <= interval.upper + tolerance;
}

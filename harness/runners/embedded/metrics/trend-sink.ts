/**
 * Stores every sample of a k6 Trend in a growable Float64Array (8 bytes a sample, no
 * per-sample objects) so percentiles are exact, as k6 computes them, at millions of
 * samples. Sorting happens once, when a percentile is asked for.
 */
export class TrendSink {
  private values = new Float64Array(64);
  private sorted = true;
  count = 0;
  sum = 0;
  min = 0;
  max = 0;

  add(value: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    if (this.count === 0 || value < this.min) this.min = value;
    if (this.count === 0 || value > this.max) this.max = value;
    if (this.count > 0 && value < this.values[this.count - 1]) this.sorted = false;
    this.values[this.count++] = value;
    this.sum += value;
  }

  avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /**
   * k6's percentile: linear interpolation between the two closest ranks of the sorted
   * samples, at rank `fraction * (count - 1)`.
   */
  percentile(fraction: number): number {
    if (this.count === 0) return 0;
    if (this.count === 1) return this.values[0];
    this.sort();
    const rank = fraction * (this.count - 1);
    const lower = this.values[Math.floor(rank)];
    const upper = this.values[Math.ceil(rank)];
    return lower + (upper - lower) * (rank - Math.floor(rank));
  }

  private sort(): void {
    if (this.sorted) return;
    this.values.subarray(0, this.count).sort();
    this.sorted = true;
  }
}

import { expect } from 'chai';
import {
  holmAdjust,
  isWithinInterval,
  normalCdf,
  normalQuantile,
  percentile,
  percentileOfTrendKey,
  relativeChange,
  twoProportionZTest,
  wilsonInterval,
  zForConfidence,
} from '../../harness/report/build/statistics.ts';

describe('report statistics', () => {
  describe('normal distribution', () => {
    it('matches published table values', () => {
      // erfc is documented to 1.2e-7 fractional error.
      expect(normalCdf(0)).to.be.closeTo(0.5, 1e-7);
      expect(normalCdf(1.96)).to.be.closeTo(0.9750021, 1e-6);
      expect(normalCdf(-1.645)).to.be.closeTo(0.0499849, 1e-6);
      expect(normalQuantile(0.975)).to.be.closeTo(1.959964, 1e-6);
      expect(normalQuantile(0.995)).to.be.closeTo(2.575829, 1e-6);
      expect(normalQuantile(0.01)).to.be.closeTo(-2.326348, 1e-6);
      expect(zForConfidence(0.9)).to.be.closeTo(1.644854, 1e-6);
    });

    it('rejects probabilities outside [0, 1]', () => {
      expect(() => normalQuantile(1.5)).to.throw(RangeError);
      expect(() => zForConfidence(1)).to.throw(RangeError);
    });
  });

  describe('wilsonInterval', () => {
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion",
    // Statistics in Medicine 17:857–872, Table II, method 3 (score, no continuity correction).
    const published: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lower, upper] of published) {
      it(`${x}/${n} gives [${lower}, ${upper}]`, () => {
        const interval = wilsonInterval(x, n);
        expect(interval.lower).to.be.closeTo(lower, 5e-5);
        expect(interval.upper).to.be.closeTo(upper, 5e-5);
        expect(interval.point).to.equal(x / n);
      });
    }

    it('is exact at the edges and the whole range with no trials', () => {
      expect(wilsonInterval(0, 50).lower).to.equal(0);
      expect(wilsonInterval(50, 50).upper).to.equal(1);
      expect(wilsonInterval(0, 0)).to.deep.include({ lower: 0, upper: 1 });
    });

    it('narrows with a lower confidence level', () => {
      const wide = wilsonInterval(30, 100, 0.99);
      const narrow = wilsonInterval(30, 100, 0.9);
      expect(narrow.upper - narrow.lower).to.be.lessThan(wide.upper - wide.lower);
    });

    it('rejects impossible counts', () => {
      expect(() => wilsonInterval(5, 3)).to.throw(RangeError);
      expect(() => wilsonInterval(-1, 3)).to.throw(RangeError);
    });
  });

  describe('twoProportionZTest', () => {
    it('matches a hand-computed pooled z-test', () => {
      // 45/100 vs 30/100: pooled 0.375, SE 0.0684653, z = 2.19089, two-sided p = 0.028460.
      const test = twoProportionZTest(45, 100, 30, 100);
      expect(test.z).to.be.closeTo(2.19089, 1e-4);
      expect(test.pValue).to.be.closeTo(0.02846, 1e-4);
      expect(test.difference).to.be.closeTo(0.15, 1e-12);
    });

    it('is symmetric and finds no evidence in identical or empty samples', () => {
      expect(twoProportionZTest(30, 100, 45, 100).z).to.be.closeTo(-2.19089, 1e-4);
      expect(twoProportionZTest(0, 100, 0, 200).pValue).to.equal(1);
      expect(twoProportionZTest(100, 100, 50, 50).pValue).to.equal(1);
      expect(twoProportionZTest(3, 0, 1, 10).pValue).to.equal(1);
    });
  });

  describe('holmAdjust', () => {
    it('adjusts step-down and keeps order monotone', () => {
      // Sorted 0.01, 0.02, 0.04 → 3×0.01, max(0.03, 2×0.02), max(0.04, 1×0.04).
      expect(holmAdjust([0.04, 0.01, 0.02]).map((p) => Number(p.toFixed(6)))).to.deep.equal([0.04, 0.03, 0.04]);
      // 2×0.5 = 1 caps at 1, and the larger p may not come out smaller.
      expect(holmAdjust([0.5, 0.9])).to.deep.equal([1, 1]);
      expect(holmAdjust([0.2, 0.3]).map((p) => Number(p.toFixed(6)))).to.deep.equal([0.4, 0.4]);
      expect(holmAdjust([])).to.deep.equal([]);
    });
  });

  describe('percentiles', () => {
    it('interpolates between closest ranks', () => {
      const values = [15, 20, 35, 40, 50];
      expect(percentile(values, 0)).to.equal(15);
      expect(percentile(values, 50)).to.equal(35);
      expect(percentile(values, 40)).to.equal(29);
      expect(percentile(values, 100)).to.equal(50);
      expect(percentile([], 50)).to.equal(undefined);
      expect(() => percentile(values, 101)).to.throw(RangeError);
    });

    it('reads k6 trend column names', () => {
      expect(percentileOfTrendKey('med')).to.equal(50);
      expect(percentileOfTrendKey('p(99.9)')).to.equal(99.9);
      expect(percentileOfTrendKey('avg')).to.equal(undefined);
    });
  });

  it('relativeChange and isWithinInterval', () => {
    expect(relativeChange(10, 15)).to.equal(0.5);
    expect(relativeChange(0, 0)).to.equal(0);
    expect(relativeChange(0, 1)).to.equal(undefined);
    expect(isWithinInterval(0.5, { lower: 0.51, upper: 0.6 })).to.equal(false);
    expect(isWithinInterval(0.5, { lower: 0.51, upper: 0.6 }, 0.02)).to.equal(true);
  });
});

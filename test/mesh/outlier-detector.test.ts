/**
 * mesh-semantics §5, exactly, on a fake clock: immediate ejection at the threshold, return
 * at an interval tick after baseEjectionTime × times ejected, the maxEjectionPercent rule
 * (nothing ejected below 10 hosts at the default 10 %), and minHealthPercent panic.
 */
import { expect } from 'chai';
import { OutlierDetector } from '../../harness/mesh/proxies/outlier-detector.ts';
import { resolveOutlierSettings } from '../../harness/mesh/control-plane/outlier-settings.ts';

function detector(hosts: string[], od: Parameters<typeof resolveOutlierSettings>[0]) {
  let now = 0;
  const d = new OutlierDetector(resolveOutlierSettings(od), hosts, () => now);
  return { d, advance: (ms: number) => (now += ms) };
}

describe('outlier detection (mesh-semantics §5)', () => {
  it('ejects immediately when consecutive 5xx reach the threshold; a success resets the count', () => {
    const { d } = detector(['a', 'b'], { consecutive5xxErrors: 3, maxEjectionPercent: 100 });
    d.record('a', 500);
    d.record('a', 500);
    d.record('a', 200);
    d.record('a', 500);
    d.record('a', 503);
    expect(d.isEjected('a')).to.equal(false);
    d.record('a', 502);
    expect(d.isEjected('a')).to.equal(true);
    expect(d.select(['a', 'b'])).to.deep.equal({ kind: 'hosts', hosts: ['b'], panic: false });
  });

  it('consecutiveGatewayErrors counts only 502/503/504', () => {
    const { d } = detector(['a', 'b'], { consecutive5xxErrors: 0, consecutiveGatewayErrors: 2, maxEjectionPercent: 100 });
    d.record('a', 500);
    d.record('a', 500);
    expect(d.isEjected('a')).to.equal(false);
    d.record('a', 503);
    d.record('a', 504);
    expect(d.isEjected('a')).to.equal(true);
  });

  it('a host returns at the first interval tick after baseEjectionTime × times ejected', () => {
    const { d, advance } = detector(['a', 'b'], { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 100 });
    d.record('a', 500);
    advance(29_000);
    d.tick();
    expect(d.isEjected('a')).to.equal(true);
    advance(1_000);
    d.tick();
    expect(d.isEjected('a')).to.equal(false);
    // Second ejection right away: 2 × 30 s.
    d.record('a', 500);
    advance(59_000);
    d.tick();
    expect(d.isEjected('a')).to.equal(true);
    advance(1_000);
    d.tick();
    expect(d.isEjected('a')).to.equal(false);
  });

  it('default maxEjectionPercent 10 %: with fewer than 10 hosts nothing is ever ejected', () => {
    const { d } = detector(['a', 'b', 'c'], { consecutive5xxErrors: 1 });
    for (let i = 0; i < 10; i++) d.record('a', 500);
    expect(d.isEjected('a')).to.equal(false);
    expect(d.counters.ejectionsOverflow).to.be.greaterThan(0);
    const ten = detector(['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9'], { consecutive5xxErrors: 1 });
    ten.d.record('h0', 500);
    ten.d.record('h1', 500);
    expect(ten.d.ejectedCount()).to.equal(1);
  });

  it('one host: only maxEjectionPercent 100 ejects it, and then there is no healthy upstream', () => {
    const { d } = detector(['a'], { consecutive5xxErrors: 1, maxEjectionPercent: 100 });
    d.record('a', 500);
    expect(d.select(['a'])).to.deep.equal({ kind: 'no-healthy-upstream' });
  });

  it('minHealthPercent: below it, panic routes to every host, ejected ones included', () => {
    const { d } = detector(['a', 'b'], { consecutive5xxErrors: 1, maxEjectionPercent: 100, minHealthPercent: 60 });
    d.record('a', 500);
    expect(d.select(['a', 'b'])).to.deep.equal({ kind: 'hosts', hosts: ['a', 'b'], panic: true });
  });

  it('without consecutive5xxErrors Envoy\'s default of 5 applies; consecutiveErrors is ignored', () => {
    const { d } = detector(['a', 'b'], { consecutiveErrors: 1, maxEjectionPercent: 100 });
    for (let i = 0; i < 4; i++) d.record('a', 500);
    expect(d.isEjected('a')).to.equal(false);
    d.record('a', 500);
    expect(d.isEjected('a')).to.equal(true);
  });

  it('the ejection multiplier stops growing at the cap (max_ejection_time / base), so healthy intervals wear it down sooner', () => {
    // base 100 s, cap max(300 s, base) = 300 s: the multiplier grows while 100 s × it < 400 s, so it stops at 4.
    const { d, advance } = detector(['a', 'b'], { consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '100s', maxEjectionPercent: 100 });
    for (let i = 0; i < 6; i++) {
      d.record('a', 500);
      expect(d.isEjected('a')).to.equal(true);
      advance(300_000);
      d.tick();
      expect(d.isEjected('a')).to.equal(false);
    }
    // Three healthy intervals bring the multiplier from 4 to 1 (from 6 to 3 if it had kept growing).
    for (let i = 0; i < 3; i++) {
      advance(10_000);
      d.tick();
    }
    d.record('a', 500);
    advance(200_000);
    d.tick();
    expect(d.isEjected('a'), 'back after 2 × base (3 × base = the 300 s cap had it kept growing)').to.equal(false);
  });
});

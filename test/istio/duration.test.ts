import { expect } from 'chai';
import { formatDuration, parseDuration, tryParseDuration } from '../../harness/util/duration.ts';

describe('duration', () => {
  it('parses Istio and k6 durations into milliseconds', () => {
    expect(parseDuration('1h')).to.equal(3_600_000);
    expect(parseDuration('1m')).to.equal(60_000);
    expect(parseDuration('1s')).to.equal(1000);
    expect(parseDuration('1ms')).to.equal(1);
    expect(parseDuration('1.5s')).to.equal(1500);
    expect(parseDuration('1m30s')).to.equal(90_000);
    expect(parseDuration('250us')).to.equal(0.25);
    expect(parseDuration('0')).to.equal(0);
  });

  it('rejects text that is not a duration', () => {
    for (const text of ['', '5', '5 ms', 'ms', '1x', '-1s', '1s5']) expect(tryParseDuration(text), text).to.equal(undefined);
    expect(() => parseDuration('soon')).to.throw('not a duration');
  });

  it('formats milliseconds back into the shortest form', () => {
    expect(formatDuration(5)).to.equal('5ms');
    expect(formatDuration(1500)).to.equal('1.5s');
    expect(formatDuration(90_000)).to.equal('1m30s');
    expect(formatDuration(3_600_000)).to.equal('1h');
    expect(formatDuration(0)).to.equal('0s');
    for (const ms of [1, 25, 999, 1000, 61_500, 7_260_000]) expect(parseDuration(formatDuration(ms))).to.equal(ms);
  });
});

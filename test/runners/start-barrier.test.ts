/**
 * The start barrier of a split run: runners are released together once all are ready or
 * have given up, or after the longest wait; one that is ready later starts at once and is
 * named with how late it was. A fake clock and short real timers keep it exact.
 */
import { expect } from 'chai';
import { StartBarrier } from '../../harness/runners/start-barrier.ts';

describe('starting the runners of a split run together', () => {
  let now = 0;
  const clock = () => now;

  it('releases nobody until every runner is ready, then all at once', async () => {
    now = 0;
    const barrier = new StartBarrier(3, 60_000, clock);
    const released: string[] = [];
    const arrive = (name: string) => barrier.arrive(name).then(() => released.push(name));
    const first = arrive('runner-1');
    now = 400;
    const second = arrive('runner-2');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(released).to.deep.equal([]);
    now = 1500;
    await Promise.all([first, second, arrive('runner-3')]);
    expect(released.sort()).to.deep.equal(['runner-1', 'runner-2', 'runner-3']);
    expect(barrier.report()).to.deep.equal({ together: true, readySpreadMs: 1500, late: [] });
  });

  it('does not wait for a runner that gave up before it was ready', async () => {
    now = 0;
    const barrier = new StartBarrier(2, 60_000, clock);
    const waiting = barrier.arrive('runner-1');
    barrier.giveUp('runner-2');
    await waiting;
    expect(barrier.report().together).to.equal(true);
  });

  it('after the longest wait releases those ready, and names a later one with how late it was', async () => {
    now = 0;
    const barrier = new StartBarrier(2, 30, clock);
    const waiting = barrier.arrive('runner-1');
    await waiting;
    now = 2_500;
    await barrier.arrive('runner-2');
    // The wait ran on a real 30 ms timer while the clock stood at 0: released at 0.
    expect(barrier.report()).to.deep.equal({ together: false, readySpreadMs: 0, late: [{ name: 'runner-2', lateMs: 2_500 }] });
  });

  it('a runner that finished after starting does not count as giving up', async () => {
    now = 0;
    const barrier = new StartBarrier(1, 60_000, clock);
    await barrier.arrive('runner-1');
    barrier.giveUp('runner-1');
    expect(barrier.report()).to.deep.equal({ together: true, readySpreadMs: 0, late: [] });
  });
});

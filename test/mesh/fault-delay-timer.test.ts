import { expect } from 'chai';
import { decideDelay } from '../../harness/mesh/proxies/fault-injection.ts';
import { createRandom } from '../../harness/mesh/shared/random.ts';

describe('fault delay beyond what a Node timer holds', () => {
  it('fixedDelay: 600h stays a delay no run outlives instead of overflowing to 1 ms', async () => {
    const delay = decideDelay({ delay: { fixedDelay: '600h', percentage: { value: 100 } } }, createRandom(1));
    expect(delay).to.equal(2 ** 31 - 1);
    // The property that matters: a timer armed with it does not fire at once.
    let fired = false;
    const timer = setTimeout(() => {
      fired = true;
    }, delay);
    await new Promise((resolve) => setTimeout(resolve, 20));
    clearTimeout(timer);
    expect(fired).to.equal(false);
  });
});

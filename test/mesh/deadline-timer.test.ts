/**
 * The timer behind per-try and route timeouts (harness/mesh/proxies/deadline-timer.ts): it never
 * expires before its duration has passed, and, as on Envoy's libevent loop, an answer that
 * was already readable when it fell due is handled before it expires. Both are asserted as
 * orderings (the loop is blocked on purpose), not as durations.
 */
import { expect } from 'chai';
import net from 'node:net';
import { startDeadlineTimer } from '../../harness/mesh/proxies/deadline-timer.ts';

function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy on purpose: a proxy sharing the loop with other work.
  }
}

describe('deadline timer (per-try and route timeouts)', () => {
  it('never expires before its full duration (Node timers keep whole milliseconds)', async () => {
    const elapsed: number[] = [];
    for (let i = 0; i < 40; i++) {
      const armedAt = performance.now();
      elapsed.push(await new Promise<number>((resolve) => startDeadlineTimer(3, () => resolve(performance.now() - armedAt))));
    }
    expect(Math.min(...elapsed)).to.be.at.least(3);
  });

  it('lets an answer that was already readable when it fell due win over the timeout', async () => {
    // The server answers, then keeps the shared loop busy past the deadline: the answer is
    // waiting in the client's socket when the timer falls due.
    const server = net.createServer((socket) =>
      socket.on('data', () => {
        socket.write('answer');
        blockLoop(40);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const client = net.connect({ host: '127.0.0.1', port });
    try {
      await new Promise<void>((resolve) => client.once('connect', resolve));
      const outcome = await new Promise<string>((resolve) => {
        let settled = false;
        const cancel = startDeadlineTimer(10, () => {
          if (!settled) resolve('timeout');
          settled = true;
        });
        client.once('data', () => {
          if (!settled) resolve('answer');
          settled = true;
          cancel();
        });
        client.write('ask');
      });
      expect(outcome).to.equal('answer');
    } finally {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('never calls back once cancelled', async () => {
    let fired = false;
    const cancel = startDeadlineTimer(5, () => {
      fired = true;
    });
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).to.equal(false);
  });
});

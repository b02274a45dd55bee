import { expect } from 'chai';
import { UndoStack } from '../../harness/run/undo-stack.ts';

describe('UndoStack', () => {
  it('undoes newest first and runs every undo even when one fails', async () => {
    const order: string[] = [];
    const stack = new UndoStack();
    stack.push('first', async () => {
      order.push('first');
    });
    stack.push('second', async () => {
      throw new Error('boom');
    });
    stack.push('third', async () => {
      order.push('third');
    });
    const failures = await stack.unwindAll();
    expect(order).to.deep.equal(['third', 'first']);
    expect(failures).to.deep.equal(['second: boom']);
  });

  it('runs each undo once when unwound twice (e.g. Ctrl-C during cleanup)', async () => {
    let count = 0;
    const stack = new UndoStack();
    stack.push('restore', async () => {
      count += 1;
    });
    await Promise.all([stack.unwindAll(), stack.unwindAll()]);
    expect(count).to.equal(1);
    expect(stack.size).to.equal(0);
  });
});

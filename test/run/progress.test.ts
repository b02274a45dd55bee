import { expect } from 'chai';
import { createProgressReporter, progressBar } from '../../harness/run/progress.ts';
import { escapeHtml } from '../../harness/report/render/escape.ts';
import { sanitizeTerminal } from '../../harness/util/terminal-text.ts';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY, text: '', write(chunk: string) {
    stream.text += chunk;
    return true;
  } };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

const HOSTILE = 'retries\u001b]0;pwned\u0007 \u001b[2J\u001b[31mred\u001b[0m \u202Etxt.exe\u009b2J';

describe('progress and plan text on a terminal', () => {
  it('plan text cannot move the cursor, retitle the window or reorder the line', () => {
    const clean = sanitizeTerminal(HOSTILE);
    expect(clean).to.equal('retries red txt.exe2J');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(clean).to.not.match(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
  });

  it('HTML shows bidirectional overrides and C1 controls as replacement characters', () => {
    expect(escapeHtml('a\u202Eb\u009bc<d>')).to.equal('a\uFFFDb\uFFFDc&lt;d&gt;');
  });

  it('progress lines are sanitised; a TTY gets a bar rewritten in place, a pipe plain lines every 5 s', () => {
    const tty = fakeStream(true);
    const ttyReporter = createProgressReporter(tty);
    ttyReporter.info(`stage ${HOSTILE}`);
    ttyReporter.cellProgress('baseline × in-mesh', { elapsedMs: 1000, requests: 25, failed: 1, vus: 3 }, 100);
    expect(tty.text).to.contain('stage retries red txt.exe2J\n');
    expect(tty.text).to.contain('\r\u001b[2K    baseline × in-mesh [######------------------]  25% 25/100 requests');

    const pipe = fakeStream(false);
    const pipeReporter = createProgressReporter(pipe);
    for (const elapsedMs of [1000, 2000, 5000, 6000, 10_000]) pipeReporter.cellProgress('cell', { elapsedMs, requests: elapsedMs / 100, failed: 0, vus: 1 }, 100);
    expect(pipe.text.split('\n').filter(Boolean)).to.deep.equal(['    cell: 50/100 requests, 0 failed, 1 VUs, 5s', '    cell: 100/100 requests, 0 failed, 1 VUs, 10s']);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(pipe.text).to.not.match(/\u001b/);
  });

  it('--quiet keeps only warnings', () => {
    const stream = fakeStream(false);
    const reporter = createProgressReporter(stream, { quiet: true });
    reporter.info('run started');
    reporter.cellDone('cell', 'done');
    reporter.warn('restore failed');
    expect(stream.text).to.equal('warning: restore failed\n');
  });

  it('the bar is bounded at both ends', () => {
    expect(progressBar(0, 0, 4)).to.equal('[----]   0%');
    expect(progressBar(500, 100, 4)).to.equal('[####] 100%');
  });
});

describe('--verbose progress', () => {
  it('adds detail lines and a plain progress line every second', () => {
    const stream = { isTTY: false, text: '', write(chunk: string) {
      stream.text += chunk;
      return true;
    } };
    const reporter = createProgressReporter(stream as unknown as NodeJS.WriteStream, { verbose: true });
    reporter.detail?.('versions: node v20');
    for (const elapsedMs of [1000, 2000]) reporter.cellProgress('cell', { elapsedMs, requests: 1, failed: 0, vus: 1 }, 10);
    expect(stream.text.split('\n').filter(Boolean)).to.deep.equal(['versions: node v20', '    cell: 1/10 requests, 0 failed, 1 VUs, 1s', '    cell: 1/10 requests, 0 failed, 1 VUs, 2s']);
  });
});

/**
 * What a run tells the person watching it: one line per stage and cell, and live request
 * counts while load runs (rewritten in place on a TTY, a line every 5 s otherwise, so CI
 * logs stay readable).
 */
import type { RunProgress } from '../runners/runner.ts';

export interface ProgressReporter {
  info(line: string): void;
  warn(line: string): void;
  cellProgress(label: string, progress: RunProgress, targetRequests: number): void;
  cellDone(label: string, line: string): void;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const tty = Boolean(stream.isTTY);
  let lastPlainLine = 0;
  let liveLineShown = false;
  const clearLive = () => {
    if (tty && liveLineShown) stream.write('\r\x1b[2K');
    liveLineShown = false;
  };
  return {
    info(line) {
      clearLive();
      stream.write(`${line}\n`);
    },
    warn(line) {
      clearLive();
      stream.write(`warning: ${line}\n`);
    },
    cellProgress(label, progress, targetRequests) {
      const seconds = (progress.elapsedMs / 1000).toFixed(0);
      const line = `    ${label}: ${progress.requests}/${targetRequests} requests, ${progress.failed} failed, ${progress.vus} VUs, ${seconds}s`;
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        liveLineShown = true;
      } else if (progress.elapsedMs - lastPlainLine >= 5000) {
        lastPlainLine = progress.elapsedMs;
        stream.write(`${line}\n`);
      }
    },
    cellDone(label, line) {
      clearLive();
      lastPlainLine = 0;
      stream.write(`    ${label}: ${line}\n`);
    },
  };
}

/** A reporter that records lines, for tests and for `--quiet`. */
export function createSilentReporter(lines: string[] = []): ProgressReporter {
  return {
    info: (line) => lines.push(line),
    warn: (line) => lines.push(`warning: ${line}`),
    cellProgress: () => {},
    cellDone: (label, line) => lines.push(`${label}: ${line}`),
  };
}

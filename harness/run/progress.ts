/**
 * What a run tells the person watching it: one line per stage and cell, and live request
 * counts while load runs (a progress bar rewritten in place on a TTY, a plain line every
 * 5 s otherwise, so CI logs stay readable). Every line is sanitised: stage descriptions
 * and lint messages come from the plan.
 */
import type { RunProgress } from '../runners/runner.ts';
import { sanitizeTerminal } from '../util/terminal-text.ts';

export interface ProgressReporter {
  info(line: string): void;
  /** Shown with --verbose only. */
  detail?(line: string): void;
  warn(line: string): void;
  cellProgress(label: string, progress: RunProgress, targetRequests: number): void;
  cellDone(label: string, line: string): void;
}

export interface ProgressOptions {
  /** Only warnings (`--quiet`). */
  quiet?: boolean;
  /** A plain progress line every second instead of every 5 s, and `detail` lines (`--verbose`). */
  verbose?: boolean;
  /** Plain lines even on a TTY (tests, `TERM=dumb`). */
  tty?: boolean;
  /** Width of the bar in characters. */
  barWidth?: number;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr, options: ProgressOptions = {}): ProgressReporter {
  const tty = options.tty ?? (Boolean(stream.isTTY) && process.env.TERM !== 'dumb');
  const quiet = options.quiet ?? false;
  const plainEveryMs = options.verbose ? 1000 : 5000;
  let lastPlainLine = 0;
  let liveLineShown = false;
  const write = (text: string) => stream.write(text);
  const clearLive = () => {
    if (tty && liveLineShown) write('\r\x1b[2K');
    liveLineShown = false;
  };
  return {
    info(line) {
      if (quiet) return;
      clearLive();
      write(`${sanitizeTerminal(line)}\n`);
    },
    warn(line) {
      clearLive();
      write(`warning: ${sanitizeTerminal(line)}\n`);
    },
    detail(line) {
      if (!options.verbose) return;
      clearLive();
      write(`${sanitizeTerminal(line)}\n`);
    },
    cellProgress(label, progress, targetRequests) {
      if (quiet) return;
      const seconds = (progress.elapsedMs / 1000).toFixed(0);
      const counts = `${progress.requests}/${targetRequests} requests, ${progress.failed} failed, ${progress.vus} VUs, ${seconds}s`;
      if (tty) {
        write(`\r\x1b[2K    ${sanitizeTerminal(label)} ${progressBar(progress.requests, targetRequests, options.barWidth ?? 24)} ${counts}`);
        liveLineShown = true;
      } else if (progress.elapsedMs - lastPlainLine >= plainEveryMs) {
        lastPlainLine = progress.elapsedMs;
        write(`    ${sanitizeTerminal(label)}: ${counts}\n`);
      }
    },
    cellDone(label, line) {
      if (quiet) return;
      clearLive();
      lastPlainLine = 0;
      write(`    ${sanitizeTerminal(label)}: ${sanitizeTerminal(line)}\n`);
    },
  };
}

/** `[#########---------------]  38%`: how far the cell is through the requests it was asked for. */
export function progressBar(done: number, total: number, width: number): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
}

/** A reporter that records lines, for tests. */
export function createSilentReporter(lines: string[] = []): ProgressReporter {
  return {
    info: (line) => lines.push(line),
    warn: (line) => lines.push(`warning: ${line}`),
    cellProgress: () => {},
    cellDone: (label, line) => lines.push(`${label}: ${line}`),
  };
}

/**
 * `npm run bench` and `npx tsx …` start the bench below a shell (`sh -c`) and npm, which
 * die on SIGTERM or SIGINT without passing it on: the bench and its mesh would then run
 * on as orphans until the run ends. So the bench notes the launchers above it (npm, npx,
 * tsx, `sh -c`: not an interactive shell or a CI runner) and, when one of them is gone,
 * stops as if it had been sent SIGTERM itself: the current load stops, finished cells are
 * kept and the target is restored. Linux only (/proc); elsewhere nothing is watched.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface Ancestor {
  pid: number;
  /** Kernel start time, so a reused pid is not mistaken for the launcher. */
  startTime: string;
}

const POLL_MS = 500;

function readStat(pid: number): { ppid: number; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in brackets and may contain spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), startTime: fields[19] };
  } catch {
    return undefined;
  }
}

function isLauncher(pid: number): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return false;
  }
  const program = basename(argv[0] ?? '');
  if (['sh', 'dash', 'bash', 'zsh'].includes(program)) return argv[1] === '-c';
  if (['npm', 'npx', 'tsx'].includes(program)) return true;
  // node running npm, npx or tsx's CLI.
  return /^node(js)?$/.test(program) && argv.slice(1).some((arg) => /(^|[/\\])(npm|npx|npm-cli\.js|npx-cli\.js|tsx|cli\.mjs)$/.test(arg));
}

/** The launchers directly above this process, nearest first, up to the first process that is not one. */
export function launcherAncestors(pid: number = process.pid): Ancestor[] {
  if (process.platform !== 'linux') return [];
  const ancestors: Ancestor[] = [];
  let current = readStat(pid)?.ppid;
  for (let depth = 0; current !== undefined && current > 1 && depth < 8; depth++) {
    const stat = readStat(current);
    if (!stat || !isLauncher(current)) break;
    ancestors.push({ pid: current, startTime: stat.startTime });
    current = stat.ppid;
  }
  return ancestors;
}

/** Calls `onGone` once when any launcher above this process has exited. Returns a stop function. */
export function watchLaunchers(onGone: (pid: number) => void, ancestors: Ancestor[] = launcherAncestors()): () => void {
  if (ancestors.length === 0) return () => {};
  const timer = setInterval(() => {
    const gone = ancestors.find((ancestor) => readStat(ancestor.pid)?.startTime !== ancestor.startTime);
    if (gone) {
      clearInterval(timer);
      onGone(gone.pid);
    }
  }, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

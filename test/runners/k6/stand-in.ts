/**
 * A stand-in for the k6 binary, behaving like k6 at the process boundary: `version`,
 * `run` with -e/--tag, a summary file written the way the scenario's handleSummary
 * writes it (to SUMMARY_PATH), progress lines on stdout in the form k6 0.49 prints for a
 * run under a minute (test/fixtures/k6-0.49/more/setup-teardown.stdout), k6's exit codes,
 * and SIGINT handling. Like k6, `version` names the file it was started as.
 * Like `k6 run`, it takes script variables from its environment and from -e. Its
 * behaviour is steered through them: EXIT_CODE, HANG (wait for SIGINT), HANG_HARD (ignore
 * SIGINT too), and for `version` STANDIN_VERSION_HANG (never answer, and leave a process
 * behind that holds the output open).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURE = join(import.meta.dirname, '../../fixtures/k6-0.49/handle-summary-data.json');

export interface StandIn {
  dir: string;
  binary: string;
  /** What the last `run` saw: its argv, its environment and the proxy variable. */
  lastRun(): { args: string[]; env: Record<string, string>; httpProxy?: string; cwd: string };
  remove(): void;
}

export function createStandIn(version = 'v0.49.0', name = 'k6'): StandIn {
  const dir = mkdtempSync(join(tmpdir(), 'k6-stand-in-'));
  const binary = join(dir, name);
  const record = join(dir, 'last-run.json');
  const summary = JSON.stringify(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  writeFileSync(
    binary,
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
if (args[0] === 'version' && process.env.STANDIN_VERSION_HANG) {
  require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
  setInterval(() => {}, 1000);
  return; // a CommonJS script may return at the top level
} else if (args[0] === 'version') {
  console.log(require('node:path').basename(process.argv[1]) + ' ${version} (go1.21.6, linux/amd64)');
  process.exit(0);
}
if (args[0] !== 'run') { console.error('unknown command ' + args[0]); process.exit(255); }
const env = { ...process.env };
for (let i = 1; i < args.length; i++) if (args[i] === '-e') { const [k, ...v] = args[++i].split('='); env[k] = v.join('='); }
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, env, httpProxy: process.env.HTTP_PROXY, cwd: process.cwd() }));
const finish = (code) => {
  if (env.SUMMARY_PATH) fs.writeFileSync(env.SUMMARY_PATH, ${JSON.stringify(summary)});
  process.exit(code);
};
for (let second = 1; second <= 6; second++) {
  console.log('running (0' + second + '.0s), 07/07 VUs, ' + 7 * second + ' complete and 0 interrupted iterations');
}
if (env.HANG_HARD) {
  process.on('SIGINT', () => {});
  setInterval(() => {}, 1000);
} else if (env.HANG) {
  process.on('SIGINT', () => finish(105));
  setInterval(() => {}, 1000);
} else if (env.EXIT_CODE === '107') {
  console.error('ERRO[0000] ReferenceError: x is not defined');
  process.exit(107);
} else {
  finish(Number(env.EXIT_CODE ?? 0));
}
`,
  );
  chmodSync(binary, 0o755);
  return {
    dir,
    binary,
    lastRun: () => JSON.parse(readFileSync(record, 'utf8')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

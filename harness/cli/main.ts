/**
 * `bench`: the command line. Thin: reads the global flags, picks the command from the
 * registry, prints user errors without a stack trace (exit 2, or 3 for the environment)
 * and lets bugs keep theirs (exit 70, the sysexits "internal software error").
 */
import { type CliContext, extractGlobalFlags } from './cli-context.ts';
import { COMMANDS, commandHelp, findCommand, generalHelp } from './command-registry.ts';
import { exitCodeOf } from './error-exit-code.ts';
import { watchLaunchers } from './launcher-watch.ts';
import { EXIT } from './exit-codes.ts';
import { harnessVersion } from '../run/versions.ts';
import { formatUserError, isUserError, UserError, type UserErrors } from '../errors/user-error.ts';
import { sanitizeTerminal } from '../report/render/escape.ts';

export async function main(argv: string[]): Promise<number> {
  const { context, help, version, rest } = extractGlobalFlags(argv);
  const [first, ...afterFirst] = rest;
  if (version) {
    process.stdout.write(context.json ? `${JSON.stringify({ version: harnessVersion() })}\n` : `bench ${harnessVersion()}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    const topic = afterFirst[0] !== undefined ? findCommand(afterFirst[0]) : undefined;
    process.stdout.write(`${topic ? commandHelp(topic) : generalHelp()}\n`);
    return EXIT.ok;
  }
  const implicitRun = first === undefined || first.startsWith('-');
  const spec = implicitRun ? findCommand('run') : findCommand(first);
  if (help) {
    process.stdout.write(`${spec && !implicitRun ? commandHelp(spec) : generalHelp()}\n`);
    return EXIT.ok;
  }
  try {
    if (!spec) {
      throw new UserError({ code: 'USAGE', message: `unknown command "${first}"`, fix: `use one of: ${COMMANDS.map((c) => c.name).join(', ')} (bench --help)` });
    }
    const command = await spec.load();
    return await command(implicitRun ? rest : afterFirst, context);
  } catch (error) {
    if (isUserError(error)) {
      printUserErrors(error, context);
      return exitCodeOf(error);
    }
    throw error;
  }
}

function printUserErrors(error: UserError | UserErrors, context: CliContext): void {
  const errors = error instanceof UserError ? [error] : error.errors;
  if (context.json) {
    const list = errors.map((e) => ({ code: e.code, message: e.message, fix: e.fix, location: e.location, stage: e.stage, vantage: e.vantage }));
    process.stdout.write(`${JSON.stringify({ ok: false, exitCode: exitCodeOf(error), errors: list }, null, 2)}\n`);
  }
  for (const e of errors) process.stderr.write(`error: ${sanitizeTerminal(formatUserError(e))}\n`);
  if (errors.length > 1 || error instanceof UserError === false) process.stderr.write(`${errors.length} problem(s) found; nothing was run.\n`);
}

// `bench plans | head` closes stdout early: that is the reader being done, not an error.
// The command still runs to its end (a run still restores its target and keeps its
// results); only what it would print is dropped.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// The launcher above the bench died (npm and `sh -c` do not pass SIGTERM on): stop as if
// signalled, so the run restores the target and no process is left behind.
watchLaunchers(() => process.kill(process.pid, 'SIGTERM'));

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`internal error (please report it with the command you ran):\n${text}\n`);
    process.exitCode = EXIT.internal;
  },
);

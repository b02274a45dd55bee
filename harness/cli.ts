/**
 * `bench`: the command line. Thin: picks the command, prints user errors without a stack
 * trace (exit 2) and lets bugs keep theirs (exit 70, the sysexits "internal software error").
 */
import { EXIT } from './cli/exit-codes.ts';
import { compareCommand } from './commands/compare.ts';
import { lintCommand } from './commands/lint.ts';
import { meshCommand } from './commands/mesh.ts';
import { plansCommand } from './commands/plans.ts';
import { reportCommand } from './commands/report.ts';
import { RUN_USAGE, runCommand } from './commands/run.ts';
import { formatUserError, UserError, UserErrors } from './errors.ts';

const HELP = `bench: what Istio's resiliency features do to real traffic, in the mesh and outside it.

Commands:
  bench [run] [options]          run a plan (default: retries-lab on the embedded local mesh)
  bench lint <plan>              check a plan's Istio config without running it
  bench report <run-dir>         render report.json/.md/.html and junit.xml for a run again
  bench compare <base> <run>     compare two runs (report.json or run folders)
  bench mesh up [--plan p] [--stage s]   start the local mesh in the foreground for manual poking
  bench plans                    list the shipped plans

Run options:
  ${RUN_USAGE}

Exit codes: 0 ok, 1 expectations failed or regression, 2 usage/configuration error, 130 interrupted.`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  lint: lintCommand,
  report: reportCommand,
  compare: compareCommand,
  mesh: meshCommand,
  plans: plansCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const command = first === undefined || first.startsWith('-') ? runCommand : COMMANDS[first];
  const args = first === undefined || first.startsWith('-') ? argv : rest;
  if (!command) {
    printUserError(new UserError({ code: 'USAGE', message: `unknown command "${first}"`, fix: `use one of: ${Object.keys(COMMANDS).join(', ')} (bench --help)` }));
    return EXIT.usage;
  }
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof UserErrors) {
      for (const e of error.errors) printUserError(e);
      process.stderr.write(`${error.errors.length} problem(s) found; nothing was run.\n`);
      return EXIT.usage;
    }
    if (error instanceof UserError) {
      printUserError(error);
      return EXIT.usage;
    }
    throw error;
  }
}

function printUserError(error: UserError): void {
  process.stderr.write(`error: ${formatUserError(error)}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`internal error (please report it with the command you ran):\n${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 70;
  },
);

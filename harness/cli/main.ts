/**
 * `bench`: the command line. Thin: picks the command, prints user errors without a stack
 * trace (exit 2) and lets bugs keep theirs (exit 70, the sysexits "internal software error").
 */
import { EXIT } from './exit-codes.ts';
import { formatUserError, UserError, UserErrors } from '../errors/user-error.ts';

const HELP = `bench: what Istio's resiliency features do to real traffic, in the mesh and outside it.

Commands:
  bench [run] [options]          run a plan (default: retries-lab on the embedded local mesh)
  bench lint <plan>              check a plan's Istio config without running it
  bench report <run-dir>         render report.json/.md/.html and junit.xml for a run again
  bench compare <base> <run>     compare two runs (report.json or run folders)
  bench mesh up [--plan p] [--stage s]   start the local mesh in the foreground for manual poking
  bench plans                    list the shipped plans

Run options:
  --plan <name|file>     plan to run (default retries-lab; see bench plans)
  --stage a,b            only these stages        --vantage in-mesh,external   only these vantages
  --engine auto|k6|embedded   k6 when on PATH (or K6_BIN), else the embedded runtime
  --seed N               seed of every random choice in the local mesh (default 1)
  --profile istio-1.24+|istio-1.22   mesh behaviour profile (default: the plan's)
  --rate N --duration 10s    override the scenario's load
  --results <dir>        where run folders go (default results/)
  --baseline <report.json|run-dir>   compare with an earlier run; exit 1 on a significant regression

Exit codes: 0 ok, 1 expectations failed or regression, 2 usage/configuration error, 130 interrupted.`;

type Command = (args: string[]) => Promise<number>;

// Loaded on demand: `bench lint` should not pay for starting the mesh code, and a broken
// optional piece must not take every command down with it.
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.ts')).runCommand,
  lint: async () => (await import('./commands/lint.ts')).lintCommand,
  report: async () => (await import('./commands/report.ts')).reportCommand,
  compare: async () => (await import('./commands/compare.ts')).compareCommand,
  mesh: async () => (await import('./commands/mesh.ts')).meshCommand,
  plans: async () => (await import('./commands/plans.ts')).plansCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const implicitRun = first === undefined || first.startsWith('-');
  const load = implicitRun ? COMMANDS.run : COMMANDS[first];
  const args = implicitRun ? argv : rest;
  if (!load) {
    printUserError(new UserError({ code: 'USAGE', message: `unknown command "${first}"`, fix: `use one of: ${Object.keys(COMMANDS).join(', ')} (bench --help)` }));
    return EXIT.usage;
  }
  try {
    const command = await load();
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

// `bench plans | head` closes stdout early: that is the reader being done, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`internal error (please report it with the command you ran):\n${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 70;
  },
);

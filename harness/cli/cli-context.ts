/**
 * What every command gets from `main`: the output mode picked by the global flags. The
 * result goes to stdout (as JSON with --json); progress and logs go to stderr, so
 * `bench run --json > result.json` keeps a clean result.
 */
export interface CliContext {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

export const DEFAULT_CONTEXT: CliContext = { json: false, quiet: false, verbose: false };

const GLOBAL_FLAGS: Record<string, keyof CliContext | 'help' | 'version'> = {
  '--json': 'json',
  '--quiet': 'quiet',
  '-q': 'quiet',
  '--verbose': 'verbose',
  '--help': 'help',
  '-h': 'help',
  '--version': 'version',
};

export interface GlobalFlags {
  context: CliContext;
  help: boolean;
  version: boolean;
  /** The arguments without the global flags (everything after `--` is kept as is). */
  rest: string[];
}

/** Pulls the global flags out of the arguments, wherever they are, so each command parses only its own. */
export function extractGlobalFlags(argv: string[]): GlobalFlags {
  const context = { ...DEFAULT_CONTEXT };
  let help = false;
  let version = false;
  const rest: string[] = [];
  for (const [index, arg] of argv.entries()) {
    if (arg === '--') {
      rest.push(...argv.slice(index));
      break;
    }
    const flag = Object.hasOwn(GLOBAL_FLAGS, arg) ? GLOBAL_FLAGS[arg] : undefined;
    if (flag === 'help') help = true;
    else if (flag === 'version') version = true;
    else if (flag) context[flag] = true;
    else rest.push(arg);
  }
  if (context.quiet && context.verbose) context.verbose = false;
  return { context, help, version, rest };
}

/**
 * Every `bench` command: its name, a one-line summary, its help text and how to load it.
 * `bench --help` and `bench <command> --help` are built from this table without loading
 * any command module, so help works even when a command's dependencies cannot load.
 * Commands never import each other; shared pieces live beside them in cli/.
 */
import type { CliContext } from './cli-context.ts';
import { TARGET_HELP } from './target-help.ts';

export type Command = (args: string[], context: CliContext) => Promise<number>;

export interface CommandSpec {
  name: string;
  summary: string;
  /** The usage line(s), also printed as the fix of a usage error. */
  usage: string;
  /** Options and examples, printed by `bench <command> --help` under the usage line. */
  details: string;
  load: () => Promise<Command>;
}

const RUN_DETAILS = `Options:
  [plan] / --plan <name|file>   plan to run (default retries-lab; \`bench plans\` lists them)
  --stage a,b                   only these stages (plan order is kept)
  --vantage in-mesh,external    only these vantages
  --engine auto|k6|embedded     k6 when on PATH (or K6_BIN), else the embedded runtime
  --target local|kubernetes     where the system under test runs (default local, the embedded mesh)
  --context, --kubeconfig, --namespace, --injection, --external-url, --app-image, --keep, --settle
                                cluster options (--target kubernetes), below
  --seed N                      seed of every random choice in the local mesh (default 1)
  --profile istio-1.24+|istio-1.22   mesh behaviour profile (default: the plan's)
  --rate N                      requests per second, 0 < N <= 10000 (VUs are rescaled to match)
  --duration 10s                per stage x vantage, 1s to 24h
  --runners N                   split the in-mesh load over N runners (k6 execution segments), merged
  --results <dir>               where run folders go (default results/); must be writable
  --baseline <report.json|run-dir>   compare with an earlier run (checked before any load);
                                exit 1 on a significant regression
  --baseline-optional           a missing baseline is a warning, not an error (a nightly job's first run)

Examples:
  bench run timeouts
  bench run --plan retries-lab --stage retries-5xx --vantage in-mesh
  bench run --rate 200 --duration 20s --json > result.json
  bench run retries-lab --target kubernetes --context aks-prod --injection rev:asm-1-27

Cluster options (--target kubernetes):
${TARGET_HELP}`;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'run a plan (default: retries-lab on the embedded local mesh)',
    usage: 'bench [run] [plan] [--plan <name|file>] [--stage a,b] [--vantage in-mesh,external] [--engine auto|k6|embedded] [--target local|kubernetes] [--context name] [--kubeconfig file] [--namespace ns] [--injection auto|label|rev:<rev>] [--external-url url] [--app-image image] [--keep] [--settle 10s] [--seed N] [--profile istio-1.24+|istio-1.22] [--rate N] [--duration 10s] [--runners N] [--results dir] [--baseline report.json|run-dir] [--baseline-optional]',
    details: RUN_DETAILS,
    load: async () => (await import('./commands/run.ts')).runCommand,
  },
  {
    name: 'lint',
    summary: "check a plan's Istio config without running it",
    usage: 'bench lint [<plan name|file>] [--strict]',
    details: `Options:
  --strict   warnings fail too (exit 1)

Exit 0 when clean, 1 on lint errors, 2 when the plan itself is invalid.`,
    load: async () => (await import('./commands/lint.ts')).lintCommand,
  },
  {
    name: 'report',
    summary: 'render report.json/.md/.html and junit.xml for a run again',
    usage: 'bench report <run-dir> [--baseline <report.json|run-dir>]',
    details: 'Works on interrupted runs too. Exit 0 when every cell met its expectations, 1 otherwise.',
    load: async () => (await import('./commands/report.ts')).reportCommand,
  },
  {
    name: 'compare',
    summary: 'compare two runs (report.json or run folders)',
    usage: 'bench compare <baseline report.json|run-dir> <current report.json|run-dir> [--alpha 0.05] [--latency-tolerance 0.25]',
    details: `Options:
  --alpha 0.05               significance level of the error-rate test (Holm-adjusted)
  --latency-tolerance 0.25   relative latency change that counts as a regression

Exit 1 on a significant regression.`,
    load: async () => (await import('./commands/compare.ts')).compareCommand,
  },
  {
    name: 'mesh',
    summary: 'start the local mesh in the foreground for manual poking',
    usage: 'bench mesh up [--plan <name|file>] [--stage <name>] [--seed N]',
    details: 'Prints the URL of every vantage; Ctrl-C stops the mesh.',
    load: async () => (await import('./commands/mesh.ts')).meshCommand,
  },
  {
    name: 'restore',
    summary: 'put a cluster back as a killed --target kubernetes run found it',
    usage: 'bench restore <run-dir> [--context name] [--kubeconfig file] [--keep]',
    details: `Reads <run-dir>/snapshot.json, written before the run's first change: objects that existed are put back
as they were (namespace labels included), objects the run created are deleted (kept with --keep, or when the
run had --keep). Objects another field manager changed since are reported and left alone.
The context defaults to the one the run used. Exit 0 when everything is back, 3 when something is left.`,
    load: async () => (await import('./commands/restore.ts')).restoreCommand,
  },
  {
    name: 'plans',
    summary: 'list the shipped plans',
    usage: 'bench plans',
    details: 'Names to pass to `bench run <plan>` or `--plan`.',
    load: async () => (await import('./commands/plans.ts')).plansCommand,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}

export const GLOBAL_OPTIONS = `Options for every command:
  --help, -h      this help (bench <command> --help: that command's)
  --version       the bench's version
  --json          the result as JSON on stdout; progress and logs on stderr
  --quiet, -q     only the result and errors
  --verbose       every progress line, and the stack of internal errors`;

export const EXIT_CODES_HELP = `Exit codes: 0 ok, 1 expectations failed / regression / lint errors, 2 usage or configuration error (nothing ran),
  3 environment error (k6 missing, results folder not writable, cluster unreachable), 70 internal error, 130 interrupted.`;

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  bench ${c.name.padEnd(width)}  ${c.summary}`);
  return `bench: what Istio's resiliency features do to real traffic, in the mesh and outside it.

Commands:
${lines.join('\n')}

\`bench <command> --help\` describes a command's options; with no command, \`bench\` runs.

${GLOBAL_OPTIONS}

${EXIT_CODES_HELP}`;
}

export function commandHelp(command: CommandSpec): string {
  return `${command.summary}

usage: ${command.usage}

${command.details}

${GLOBAL_OPTIONS}

${EXIT_CODES_HELP}`;
}

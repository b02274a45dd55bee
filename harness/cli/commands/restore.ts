/**
 * `bench restore <run-dir>`: put a cluster back as a --target kubernetes run found it, from
 * the snapshot the run wrote before its first change (for a run that was killed, or whose
 * own restore failed). It refuses a context that points at another API server than the
 * run's. Exit 0 when everything is back, 3 when something is left (listed).
 */
import type { CliContext } from '../cli-context.ts';
import { findCommand } from '../command-registry.ts';
import { EXIT } from '../exit-codes.ts';
import { parseCommandArgs } from '../parse-args.ts';
import { UserError } from '../../errors/user-error.ts';
import { connect, redactUrl } from '../../targets/kubernetes/connect.ts';
import { restoreSnapshot } from '../../targets/kubernetes/restore-snapshot.ts';
import { Snapshot } from '../../targets/kubernetes/snapshot.ts';

const USAGE = findCommand('restore')?.usage ?? 'bench restore <run-dir>';

export async function restoreCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { context: { type: 'string' }, kubeconfig: { type: 'string' }, keep: { type: 'boolean' } }, USAGE);
  if (positionals.length !== 1) throw new UserError({ code: 'USAGE', message: 'bench restore takes exactly one run folder', fix: `usage: ${USAGE}` });
  const snapshot = await Snapshot.load(positionals[0]);
  const connection = connect({ kubeconfig: values.kubeconfig as string | undefined, context: (values.context as string | undefined) ?? snapshot.data.cluster.context });
  if (redactUrl(connection.server) !== snapshot.data.cluster.server) {
    throw new UserError({
      code: 'USAGE',
      message: `the run changed ${snapshot.data.cluster.server} (context ${snapshot.data.cluster.context}), but context ${connection.context} points at ${redactUrl(connection.server)}`,
      fix: 'pass --context (and --kubeconfig) for the cluster the run used',
    });
  }
  const say = (line: string) => {
    if (!context.quiet) process.stderr.write(`${line}\n`);
  };
  const pending = snapshot.remaining();
  if (pending.length === 0) {
    say(`nothing to restore: every object in ${snapshot.path} is already back`);
  } else {
    say(`restoring ${pending.length} object(s) on ${snapshot.data.cluster.server} (context ${connection.context})`);
  }
  const report = await restoreSnapshot(connection.kc, snapshot, { keep: values.keep === undefined ? undefined : Boolean(values.keep) });
  if (context.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const line of report.restored) say(`  put back  ${line}`);
  for (const line of report.deleted) say(`  deleted   ${line}`);
  for (const line of report.kept) say(`  kept      ${line}`);
  for (const line of report.conflicts) say(`  left      ${line}`);
  for (const line of report.failures) say(`  FAILED    ${line}`);
  if (report.failures.length > 0) {
    throw new UserError({
      code: 'RESTORE_INCOMPLETE',
      message: `${report.failures.length} object(s) could not be put back: ${report.failures.join('; ')}`,
      fix: `fix the cause and run bench restore ${positionals[0]} again; ${snapshot.path} lists what is left`,
    });
  }
  return EXIT.ok;
}

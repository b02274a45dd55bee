/**
 * Which exit code a user error leads to, from the error catalogue: 2 for a mistake in the
 * command or the plan (nothing ran), 3 for a machine that cannot run it as it stands. A
 * batch exits 3 when any of its errors is an environment error.
 */
import { exitCodeFor } from '../errors/error-codes.ts';
import { UserErrors, type UserError } from '../errors/user-error.ts';

export function exitCodeOf(error: UserError | UserErrors): number {
  const errors = error instanceof UserErrors ? error.errors : [error];
  return Math.max(...errors.map((e) => exitCodeFor(e.code)));
}

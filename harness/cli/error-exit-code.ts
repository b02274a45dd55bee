/**
 * Which exit code user errors lead to: the catalogue's kind of each code (2 for a mistake
 * in the command or the plan, 3 for a machine that cannot run it as it stands); several
 * errors at once exit 3 when any of them is about the environment.
 */
import { exitCodeFor, isErrorCode } from '../errors/error-codes.ts';
import { UserError, type UserErrors } from '../errors/user-error.ts';
import { EXIT } from './exit-codes.ts';

export function exitCodeOf(error: UserError | UserErrors): number {
  const errors = error instanceof UserError ? [error] : error.errors;
  return Math.max(EXIT.usage, ...errors.map((e) => (isErrorCode(e.code) ? exitCodeFor(e.code) : EXIT.usage)));
}

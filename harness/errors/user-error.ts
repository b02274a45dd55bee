/**
 * Errors a user can cause (bad plan, bad YAML, unreachable cluster, port in use, ...).
 * They carry a stable code, where the problem is, and a one-line fix, and the CLI prints
 * them without a stack trace. Anything that is not a UserError is a bug and keeps its stack.
 */
import { isAbsolute, relative } from 'node:path';
import type { ErrorCode } from './error-codes.ts';

export interface SourceLocation {
  file: string;
  /** 1-based line; omitted when the problem concerns the whole file. */
  line?: number;
  column?: number;
}

export interface UserErrorDetails {
  /** Stable code from the catalogue (error-codes.ts), such as `PLAN_UNKNOWN_FIELD` or `PORT_IN_USE`. */
  code: ErrorCode;
  message: string;
  /** One line telling the user what to do about it. */
  fix?: string;
  location?: SourceLocation;
  stage?: string;
  vantage?: string;
}

export class UserError extends Error {
  readonly code: ErrorCode;
  readonly fix?: string;
  readonly location?: SourceLocation;
  readonly stage?: string;
  readonly vantage?: string;

  constructor(details: UserErrorDetails) {
    super(details.message);
    this.name = 'UserError';
    this.code = details.code;
    this.fix = details.fix;
    this.location = details.location;
    this.stage = details.stage;
    this.vantage = details.vantage;
  }
}

/** Several user errors found in one pass (e.g. every mistake in a plan), reported together. */
export class UserErrors extends Error {
  readonly errors: UserError[];
  constructor(errors: UserError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'UserErrors';
    this.errors = errors;
  }
}

export function isUserError(error: unknown): error is UserError | UserErrors {
  return error instanceof UserError || error instanceof UserErrors;
}

/** `file:line:column`, with the file relative to the current directory when it is below it. */
export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return '';
  const rel = relative(process.cwd(), location.file);
  const file = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : location.file;
  if (location.line === undefined) return file;
  return location.column === undefined ? `${file}:${location.line}` : `${file}:${location.line}:${location.column}`;
}

/** `file:line: CODE message\n  fix: ...`, the one format every user error is printed in. */
export function formatUserError(error: UserError): string {
  const where = [formatLocation(error.location), error.stage && `stage ${error.stage}`, error.vantage && `vantage ${error.vantage}`]
    .filter(Boolean)
    .join(', ');
  const head = `${where ? `${where}: ` : ''}${error.code}: ${error.message}`;
  return error.fix ? `${head}\n  fix: ${error.fix}` : head;
}

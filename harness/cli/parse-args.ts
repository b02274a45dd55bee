/**
 * Command-line parsing on top of node:util parseArgs, turning its exceptions (unknown
 * option, missing value) into user errors with the usage line as the fix.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors/user-error.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends OptionSpec>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError({ code: 'USAGE', message: error instanceof Error ? error.message : String(error), fix: `usage: ${usage}` });
  }
}

export function parseIntegerOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new UserError({ code: 'USAGE', message: `--${name} must be a whole number ≥ 0, got "${value}"`, fix: `e.g. --${name} 42` });
  }
  return parsed;
}

/** `--stage a,b --stage c` → ['a', 'b', 'c']. */
export function parseListOption(values: string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

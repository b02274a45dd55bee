/**
 * A small declarative schema for YAML we read (plans and Istio objects): field names,
 * types, ranges, required fields. `checkSchema` walks a parsed value and collects every
 * problem as a UserError at the exact line, so a user sees all mistakes in one pass, with
 * "did you mean" suggestions for misspelt field names.
 */
import { UserError } from '../errors/user-error.ts';
import type { ErrorCode } from '../errors/error-codes.ts';
import { suggestName } from './closest-name.ts';
import { excerpt } from './read-source-file.ts';
import { formatDuration, tryParseDuration } from '../util/duration.ts';
import { childPath, locate, type Position } from './yaml-source.ts';

export interface Problem {
  message: string;
  fix?: string;
  /** Field the problem concerns, when not the checked value itself. */
  path?: string;
}

type Check = (value: never, path: string) => Problem | Problem[] | undefined;

interface Common {
  /** Extra validation once the type is right. */
  check?: Check;
  /** A field that must be present (only meaningful inside `fields`). */
  required?: boolean;
}

export type Schema = Common &
  (
    | { type: 'object'; fields: Record<string, Schema> }
    | { type: 'map'; values: Schema }
    | { type: 'array'; items: Schema; minItems?: number }
    | { type: 'string'; enum?: readonly string[]; pattern?: RegExp; patternHint?: string }
    | { type: 'number'; integer?: boolean; min?: number; max?: number }
    | { type: 'boolean' }
    /** A duration string (`5ms`, `1.5s`); `minMs` defaults to 1 ms, as Istio requires. */
    | { type: 'duration'; minMs?: number; maxMs?: number; allowZero?: boolean }
    /** A string or a number (env values, port keys). */
    | { type: 'scalar' }
    | { type: 'any' }
  );

export interface SchemaCodes {
  unknownField: ErrorCode;
  missingField: ErrorCode;
  badValue: ErrorCode;
}

export interface SchemaContext {
  file: string;
  positions: Map<string, Position>;
  codes: SchemaCodes;
  errors: UserError[];
}

export function checkSchema(value: unknown, schema: Schema, path: string, ctx: SchemaContext): void {
  if (!checkType(value, schema, path, ctx)) return;
  switch (schema.type) {
    case 'object': {
      const record = value as Record<string, unknown>;
      const names = Object.keys(schema.fields);
      for (const [key, child] of Object.entries(record)) {
        // Own fields only: `constructor` or `toString` must not find Object.prototype's members.
        const fieldSchema = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
        const fieldPath = childPath(path, key);
        if (!fieldSchema) {
          report(ctx, ctx.codes.unknownField, fieldPath, {
            message: `unknown field \`${excerpt(key)}\`${path ? ` in ${path}` : ''}`,
            fix: suggestName(key, names, 'valid fields'),
          });
          continue;
        }
        if (child === null || child === undefined) {
          if (fieldSchema.required) missing(ctx, fieldPath, key, path);
          continue;
        }
        checkSchema(child, fieldSchema, fieldPath, ctx);
      }
      for (const [key, fieldSchema] of Object.entries(schema.fields)) {
        if (fieldSchema.required && !Object.hasOwn(record, key)) missing(ctx, childPath(path, key), key, path);
      }
      break;
    }
    case 'map':
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        checkSchema(child, schema.values, childPath(path, key), ctx);
      }
      break;
    case 'array': {
      const items = value as unknown[];
      if (schema.minItems !== undefined && items.length < schema.minItems) {
        report(ctx, ctx.codes.badValue, path, { message: `${path} needs at least ${schema.minItems} item(s)`, fix: `add an item to ${path}` });
      }
      items.forEach((item, index) => {
        checkSchema(item, schema.items, childPath(path, index), ctx);
      });
      break;
    }
    default:
      break;
  }
  if (schema.check) {
    const found = (schema.check as (v: unknown, p: string) => Problem | Problem[] | undefined)(value, path);
    for (const problem of found === undefined ? [] : Array.isArray(found) ? found : [found]) {
      report(ctx, ctx.codes.badValue, problem.path ?? path, problem);
    }
  }
}

/** Reports a type/range problem and returns false when the value cannot be walked further. */
function checkType(value: unknown, schema: Schema, path: string, ctx: SchemaContext): boolean {
  const bad = (expected: string, fix?: string): false => {
    report(ctx, ctx.codes.badValue, path, {
      message: `${path || 'document'} must be ${expected}, got ${describe(value)}`,
      fix: fix ?? `write ${path || 'the document'} as ${expected}`,
    });
    return false;
  };
  switch (schema.type) {
    case 'object':
    case 'map':
      return isRecord(value) || bad('a mapping (key: value)');
    case 'array':
      return Array.isArray(value) || bad('a list');
    case 'boolean':
      return typeof value === 'boolean' || bad('true or false');
    case 'scalar':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || bad('a string or a number');
    case 'any':
      return true;
    case 'string': {
      if (typeof value !== 'string') return bad('a string');
      if (schema.enum && !schema.enum.includes(value)) {
        return bad(`one of ${schema.enum.join(', ')}`, suggestName(value, schema.enum, 'valid values'));
      }
      if (schema.pattern && !schema.pattern.test(value)) return bad(schema.patternHint ?? `a string matching ${schema.pattern}`);
      return true;
    }
    case 'number': {
      const what = schema.integer ? 'an integer' : 'a number';
      if (typeof value !== 'number' || Number.isNaN(value)) return bad(what);
      if (schema.integer && !Number.isInteger(value)) return bad(what);
      const range = rangeText(schema.min, schema.max);
      if ((schema.min !== undefined && value < schema.min) || (schema.max !== undefined && value > schema.max)) {
        return bad(`${what} ${range}`);
      }
      return true;
    }
    case 'duration': {
      const hint = 'a duration such as 5ms, 1.5s, 1m or 1h';
      if (typeof value !== 'string') return bad(hint, `quote it and add a unit, e.g. "${typeof value === 'number' ? value : 1}s"`);
      const ms = tryParseDuration(value);
      if (ms === undefined) return bad(hint);
      if (ms === 0 && schema.allowZero) return true;
      const minMs = schema.minMs ?? 1;
      if (ms < minMs) return bad(`a duration of at least ${minMs}ms`, `use ${minMs}ms or more`);
      if (schema.maxMs !== undefined && ms > schema.maxMs) return bad(`a duration of at most ${formatDuration(schema.maxMs)}`, `use ${formatDuration(schema.maxMs)} or less`);
      return true;
    }
  }
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
  if (min !== undefined) return `≥ ${min}`;
  if (max !== undefined) return `≤ ${max}`;
  return '';
}

function missing(ctx: SchemaContext, fieldPath: string, key: string, parent: string): void {
  report(ctx, ctx.codes.missingField, fieldPath, {
    message: `missing required field \`${key}\`${parent ? ` in ${parent}` : ''}`,
    fix: `add \`${key}:\` under ${parent || 'the document root'}`,
  });
}

export function report(ctx: SchemaContext, code: ErrorCode, path: string, problem: Problem): void {
  ctx.errors.push(new UserError({ code, message: problem.message, fix: problem.fix, location: locate(ctx.file, ctx.positions, path) }));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  // A short excerpt only: the value may be a whole file read by mistake (secrets included).
  return typeof value === 'string' ? `"${excerpt(value)}"` : excerpt(String(value));
}

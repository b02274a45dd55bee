/**
 * Reads YAML (one or many documents) keeping where every field came from, so that any
 * later validation can point at `file:line:column`. Values come back as plain JS; the
 * positions live in a separate map keyed by field path (`spec.http[0].retries.attempts`).
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { type SourceLocation, UserError } from '../errors/user-error.ts';
import type { ErrorCode } from '../errors/error-codes.ts';

export interface Position {
  line: number;
  column: number;
}

export interface YamlDocument {
  value: unknown;
  /** Position of each field path; for a map entry, the position of its key. `''` is the document root. */
  positions: Map<string, Position>;
}

export interface ParsedYaml {
  documents: YamlDocument[];
  errors: UserError[];
}

/** Joins a parent path and a map key or array index the way positions are keyed. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * Location of `path`, falling back to the nearest ancestor that has one (a missing field
 * is reported where its parent object starts).
 */
export function locate(file: string, positions: Map<string, Position>, path: string): SourceLocation {
  let current = path;
  for (;;) {
    const position = positions.get(current);
    if (position) return { file, line: position.line, column: position.column };
    if (current === '') return { file };
    current = parentPath(current);
  }
}

export function parentPath(path: string): string {
  if (path.endsWith(']')) return path.slice(0, path.lastIndexOf('['));
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

export function parseYaml(text: string, file: string, syntaxCode: ErrorCode = 'PLAN_YAML_SYNTAX'): ParsedYaml {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const errors: UserError[] = [];
  const documents: YamlDocument[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    for (const problem of doc.errors) {
      const offset = problem.pos[0];
      const { line, col } = lineCounter.linePos(offset);
      errors.push(
        new UserError({
          code: syntaxCode,
          message: `YAML syntax error: ${firstLine(problem.message)}`,
          fix: 'fix the YAML at this line (indentation, a missing colon, or an unquoted special character)',
          location: { file, line, column: col },
        }),
      );
    }
    if (doc.errors.length > 0 || doc.contents === null) continue;
    const positions = new Map<string, Position>();
    const at = (offset: number): Position => {
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    };
    positions.set('', at(doc.contents.range?.[0] ?? 0));
    collectPositions(doc.contents as Node, '', positions, at);
    documents.push({ value: doc.toJS({ maxAliasCount: 100 }), positions });
  }
  return { documents, errors };
}

function collectPositions(node: Node, path: string, positions: Map<string, Position>, at: (offset: number) => Position): void {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      const keyNode = item.key as Node | null;
      const child = childPath(path, key);
      const offset = keyNode?.range?.[0];
      if (offset !== undefined) positions.set(child, at(offset));
      if (item.value) collectPositions(item.value as Node, child, positions, at);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const child = childPath(path, index);
      const offset = (item as Node | null)?.range?.[0];
      if (offset !== undefined) positions.set(child, at(offset));
      if (item) collectPositions(item as Node, child, positions, at);
    });
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}

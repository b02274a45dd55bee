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

/** Far more documents than any manifest file holds; beyond it the file is refused, not walked. */
export const MAX_DOCUMENTS = 1000;
/** Aliases resolved per document: enough for any hand-written YAML, too few for an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export function parseYaml(text: string, file: string, syntaxCode: ErrorCode = 'PLAN_YAML_SYNTAX'): ParsedYaml {
  const lineCounter = new LineCounter();
  const errors: UserError[] = [];
  const documents: YamlDocument[] = [];
  const separators = text.match(/^---/gm)?.length ?? 0;
  if (separators >= MAX_DOCUMENTS) {
    errors.push(
      new UserError({
        code: syntaxCode,
        message: `the file holds ${separators} YAML documents or more; at most ${MAX_DOCUMENTS} are read`,
        fix: 'split the file, or remove stray `---` lines',
        location: { file },
      }),
    );
    return { documents, errors };
  }
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
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
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      // An alias to an anchor that is not defined (yet), or an alias bomb.
      const root = positions.get('') ?? { line: 1, column: 1 };
      errors.push(
        new UserError({
          code: syntaxCode,
          message: `YAML error: ${firstLine(error instanceof Error ? error.message : String(error))}`,
          fix: 'define each anchor (&name) before its aliases (*name), and do not nest aliases to build huge values',
          location: { file, line: root.line, column: root.column },
        }),
      );
      continue;
    }
    documents.push({ value, positions });
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

/** The first line of a parser message, cut short: some quote the source, which may be anything. */
function firstLine(message: string): string {
  const line = message.split('\n')[0].trim();
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

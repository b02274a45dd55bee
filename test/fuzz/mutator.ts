/**
 * Seeded mutations of YAML text, the way a hostile or careless user breaks a plan or a
 * manifest: lines dropped, doubled or swapped, values replaced by the wrong type or by
 * hostile ones (undefined aliases, alias bombs, prototype member names, system files,
 * control characters, URLs without a scheme or with a bad port, durations out of range),
 * indentation shifted, text cut short. The same seed gives the same mutations.
 */
import { createRandom, type Random } from '../../harness/mesh/shared/random.ts';

const HOSTILE_VALUES = [
  '*nope',
  '&a [1, 2]',
  '~',
  'null',
  '[]',
  '{}',
  '[a, [b, {c: d}]]',
  '5',
  '-1',
  '1e309',
  '.nan',
  '0',
  '1.5',
  'true',
  '"600h"',
  '-1s',
  '10y',
  '0s',
  '"STRICT"',
  'DISABLE',
  'http://[zz/x',
  'appflaky.retryns.svc.cluster.local/x',
  'http://appflaky.retryns.svc.cluster.local:99999/x',
  'ftp://appflaky.retryns.svc.cluster.local/',
  '/proc/self/environ',
  '../../../../../../etc/passwd',
  '/dev/zero',
  '/tmp',
  '"\\e]0;title\\a\\u202E"',
  '"\\0\\x01\\x7f"',
  '!!binary aGVsbG8=',
  '!!js/function "x"',
  '<<: *nope',
  '"' + 'x'.repeat(5000) + '"',
];

const HOSTILE_KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'prototype', 'retryon', 'attempt', 'spec', 'mode', ''];

const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
].join('\n');

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const index = (random: Random, length: number): number => Math.floor(random() * Math.max(1, length));

type Mutation = (lines: string[], random: Random) => string[];

/** `key: value` lines: the value part, for replacing. */
const VALUE_LINE = /^(\s*(?:- )?[^\s:#][^:#]*:\s+)(\S.*)$/;
const KEY_LINE = /^(\s*(?:- )?)([^\s:#][^:#]*)(:.*)$/;

const MUTATIONS: Record<string, Mutation> = {
  dropLine: (lines, random) => lines.filter((_, i) => i !== index(random, lines.length)),
  doubleLine: (lines, random) => {
    const at = index(random, lines.length);
    return [...lines.slice(0, at + 1), lines[at] ?? '', ...lines.slice(at + 1)];
  },
  swapLines: (lines, random) => {
    const out = [...lines];
    const a = index(random, out.length);
    const b = index(random, out.length);
    [out[a], out[b]] = [out[b], out[a]];
    return out;
  },
  replaceValue: (lines, random) => {
    const candidates = lines.map((line, i) => (VALUE_LINE.test(line) ? i : -1)).filter((i) => i >= 0);
    if (candidates.length === 0) return lines;
    const at = pick(random, candidates);
    const out = [...lines];
    out[at] = out[at].replace(VALUE_LINE, (_, head) => `${head}${pick(random, HOSTILE_VALUES)}`);
    return out;
  },
  replaceKey: (lines, random) => {
    const candidates = lines.map((line, i) => (KEY_LINE.test(line) ? i : -1)).filter((i) => i >= 0);
    if (candidates.length === 0) return lines;
    const at = pick(random, candidates);
    const out = [...lines];
    out[at] = out[at].replace(KEY_LINE, (_, indent, _key, rest) => `${indent}${pick(random, HOSTILE_KEYS)}${rest}`);
    return out;
  },
  insertField: (lines, random) => {
    const at = index(random, lines.length);
    const indent = /^\s*/.exec(lines[at] ?? '')?.[0] ?? '';
    return [...lines.slice(0, at), `${indent}${pick(random, HOSTILE_KEYS)}: ${pick(random, HOSTILE_VALUES)}`, ...lines.slice(at)];
  },
  shiftIndent: (lines, random) => {
    const out = [...lines];
    const at = index(random, out.length);
    out[at] = random() < 0.5 ? `  ${out[at]}` : (out[at] ?? '').replace(/^ {1,2}/, '');
    return out;
  },
  truncate: (lines, random) => {
    const text = lines.join('\n');
    return text.slice(0, index(random, text.length)).split('\n');
  },
  insertSeparator: (lines, random) => {
    const at = index(random, lines.length);
    return [...lines.slice(0, at), random() < 0.5 ? '---' : '...', ...lines.slice(at)];
  },
  aliasBomb: (lines) => [...lines, ALIAS_BOMB],
  tabs: (lines, random) => {
    const out = [...lines];
    const at = index(random, out.length);
    out[at] = (out[at] ?? '').replace(/^ +/, '\t');
    return out;
  },
  manyDocuments: (lines, random) => [...lines, ...Array.from({ length: 500 + index(random, 3000) }, () => '---')],
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

export interface Mutated {
  text: string;
  /** Which mutations were applied, in order, for reproducing a failure. */
  applied: string[];
}

/** One to three mutations of `text`, drawn from `random`. */
export function mutate(text: string, random: Random): Mutated {
  let lines = text.split('\n');
  const applied: string[] = [];
  const count = 1 + index(random, 3);
  for (let i = 0; i < count; i++) {
    const name = pick(random, MUTATION_NAMES);
    lines = MUTATIONS[name](lines, random);
    applied.push(name);
  }
  return { text: lines.join('\n'), applied };
}

export { createRandom };

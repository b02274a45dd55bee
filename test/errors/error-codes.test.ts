/**
 * The error catalogue (harness/errors/error-codes.ts) is the one place codes are
 * documented: every code the sources raise must be in it, with its meaning and fix. The
 * type checker enforces it for `new UserError({ code })`; this test also catches codes that
 * reach a UserError through a variable or across the mesh process boundary.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CODES, exitCodeFor, isErrorCode } from '../../harness/errors/error-codes.ts';
import { projectRoot } from '../../harness/util/project-root.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `code: 'X'`, `code ?? 'X'` and the codes handed to schema and problem helpers. */
const CODE_LITERAL = /\bcode(?:\s*:|\s*\?\?|\s*=)\s*'([A-Z][A-Z0-9_]+)'|(?:Code|codes)\b[^\n]*?'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'|\bproblem\(\s*'([A-Z][A-Z0-9_]+)'|\bfail\([^)]*?'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'/g;

describe('error catalogue', () => {
  // Lint findings have codes of their own (RB1xx), documented in LINT.md: checked below.
  const files = sourceFiles(join(projectRoot, 'harness')).filter((f) => !f.endsWith('error-codes.ts') && !f.includes(join('istio', 'lint')));

  it('documents every code the sources raise', () => {
    const undocumented: string[] = [];
    let found = 0;
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(CODE_LITERAL)) {
        const code = match.slice(1).find(Boolean)!;
        found++;
        if (!isErrorCode(code)) undocumented.push(`${relative(projectRoot, file)}: ${code}`);
      }
    }
    expect(found, 'the scan finds the codes the sources raise').to.be.greaterThan(40);
    expect(undocumented).to.deep.equal([]);
  });

  it('gives every code a meaning, a fix and an exit code of 2 (usage) or 3 (environment)', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(info.meaning, code).to.match(/\w{3}/);
      expect(info.fix, code).to.match(/\w{3}/);
      expect([2, 3], code).to.include(exitCodeFor(code as keyof typeof ERROR_CODES));
    }
  });

  it('sends a missing k6 to exit 3 and a plan mistake to exit 2', () => {
    expect(exitCodeFor('K6_NOT_FOUND')).to.equal(3);
    expect(exitCodeFor('PLAN_UNKNOWN_FIELD')).to.equal(2);
  });

  it('documents every lint rule code in LINT.md', () => {
    const lintDir = join(projectRoot, 'harness', 'istio', 'lint');
    const documented = readFileSync(join(lintDir, 'LINT.md'), 'utf8');
    const codes = sourceFiles(lintDir).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bcode:\s*'(RB\d+)'/g)].map((m) => m[1]));
    expect(codes.length).to.be.greaterThan(5);
    for (const code of codes) expect(documented, code).to.include(code);
  });

  it('does not mistake inherited object members for codes', () => {
    expect(isErrorCode('constructor')).to.equal(false);
    expect(isErrorCode('toString')).to.equal(false);
  });
});

/**
 * The fuzz loop behind test/fuzz/lint.test.ts and `npm run fuzz`: copies the shipped
 * plans and manifests to a temporary folder, and for each case mutates one file (a plan,
 * or a workload or policy file a plan names), runs the lint path in-process (load +
 * validate + lint, what `bench lint` does), then puts the file back. Every case must end
 * in a clean accept or in user errors that each name a file (and the CLI turns them into
 * exit 2 without a stack); anything else is a crash, returned with what reproduces it.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ERROR_CODES, isErrorCode } from '../../harness/errors/error-codes.ts';
import { isUserError, UserError, type UserErrors } from '../../harness/errors/user-error.ts';
import { lintPlan } from '../../harness/istio/lint/lint.ts';
import { loadPlan } from '../../harness/plan/load-plan.ts';
import { projectRoot } from '../../harness/util/project-root.ts';
import { createRandom, mutate } from './mutator.ts';

export interface FuzzFailure {
  case: number;
  plan: string;
  mutatedFile: string;
  applied: string[];
  problem: string;
}

export interface FuzzResult {
  cases: number;
  accepted: number;
  rejected: number;
  failures: FuzzFailure[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Why a thrown value is not an acceptable user error, or undefined when it is one. */
function userErrorProblem(error: unknown): string | undefined {
  if (!isUserError(error)) return `not a user error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  const errors = error instanceof UserError ? [error] : (error as UserErrors).errors;
  if (errors.length === 0) return 'UserErrors with no error in it';
  for (const e of errors) {
    if (!isErrorCode(e.code)) return `undocumented error code ${e.code}`;
    if (ERROR_CODES[e.code].kind !== 'usage') return `${e.code} is not a usage error (exit 2)`;
    if (!e.location?.file) return `${e.code} names no file: ${e.message}`;
  }
  return undefined;
}

export async function fuzzLint(options: { seed: number; count: number; onCase?: (done: number) => void }): Promise<FuzzResult> {
  const root = mkdtempSync(join(tmpdir(), 'bench-fuzz-'));
  const manifests = join(root, 'manifests');
  cpSync(join(projectRoot, 'manifests'), manifests, { recursive: true });
  const plans = yamlFiles(join(manifests, 'plans'));
  const others = yamlFiles(manifests).filter((file) => !plans.includes(file));
  const random = createRandom(options.seed);
  const result: FuzzResult = { cases: 0, accepted: 0, rejected: 0, failures: [] };
  try {
    for (let n = 0; n < options.count; n++) {
      const plan = plans[Math.floor(random() * plans.length)];
      // Half the cases break the plan itself, half a manifest it may name.
      const target = random() < 0.5 ? plan : others[Math.floor(random() * others.length)];
      const original = readFileSync(target, 'utf8');
      const { text, applied } = mutate(original, random);
      writeFileSync(target, text);
      try {
        lintPlan(await loadPlan(plan));
        result.accepted++;
      } catch (error) {
        const problem = userErrorProblem(error);
        if (problem) result.failures.push({ case: n, plan: relative(root, plan), mutatedFile: relative(root, target), applied, problem });
        else result.rejected++;
      } finally {
        writeFileSync(target, original);
      }
      result.cases++;
      options.onCase?.(result.cases);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return result;
}

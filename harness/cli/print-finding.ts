/** A lint finding as one line (and a fix line), the way every command prints it. */
import { formatLocation } from '../errors/user-error.ts';
import type { LintFinding } from '../istio/lint/lint-finding.ts';
import { sanitizeTerminal } from '../util/terminal-text.ts';

export function formatFinding(finding: LintFinding): string {
  const where = [formatLocation(finding.location), finding.stage && `stage ${finding.stage}`].filter(Boolean).join(', ');
  const head = `${finding.severity} ${finding.code}${where ? ` (${where})` : ''}: ${finding.message}`;
  return finding.fix ? `${head}\n  fix: ${finding.fix}` : head;
}

/** Sanitised: a finding quotes plan text (hosts, names), which must not drive the terminal. */
export function printFinding(finding: LintFinding, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(`${sanitizeTerminal(formatFinding(finding))}\n`);
}

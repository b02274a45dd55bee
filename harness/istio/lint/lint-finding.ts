/**
 * One finding of the config linter (like `istioctl analyze`): stable code, severity,
 * where, and what to do. Produced by `lint.ts`, shown by the CLI and the reports.
 */
import type { SourceLocation } from '../../errors/user-error.ts';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFinding {
  /** Stable code, e.g. `RB101`; documented next to the rule. */
  code: string;
  severity: LintSeverity;
  message: string;
  fix?: string;
  location?: SourceLocation;
  stage?: string;
}

/**
 * The config linter, like `istioctl analyze` but aware of the workloads' behaviour and of
 * the plan's stages: `lintPlan` runs every rule (one file each under lint-rules/, codes
 * documented in LINT.md) and returns the findings ordered by stage, then code.
 */
import type { Plan } from '../../model/plan.ts';
import type { LintFinding } from './lint-finding.ts';
import { configFileEmpty } from './rules/config-file-empty.ts';
import { consecutiveErrorsIgnored } from './rules/consecutive-errors-ignored.ts';
import { destinationRuleHostUnknown } from './rules/destination-rule-host-unknown.ts';
import { ejectionNeverPossible } from './rules/ejection-never-possible.ts';
import { faultWithRetries } from './rules/fault-with-retries.ts';
import { gatewayNotBound } from './rules/gateway-not-bound.ts';
import { gatewayNotFound } from './rules/gateway-not-found.ts';
import { mtlsRelaxedAtEnd } from './rules/mtls-relaxed-at-end.ts';
import { perTryTimeoutBelowLatency } from './rules/per-try-timeout-below-latency.ts';
import { perTryTimeoutNotBelowRouteTimeout } from './rules/per-try-timeout-not-below-route-timeout.ts';
import { retryOnMissesFailure } from './rules/retry-on-misses-failure.ts';
import type { LintRule } from './rules/rule.ts';

export type { LintRule } from './rules/rule.ts';

export const LINT_RULES: readonly LintRule[] = [
  retryOnMissesFailure,
  perTryTimeoutBelowLatency,
  faultWithRetries,
  consecutiveErrorsIgnored,
  ejectionNeverPossible,
  perTryTimeoutNotBelowRouteTimeout,
  mtlsRelaxedAtEnd,
  gatewayNotBound,
  gatewayNotFound,
  destinationRuleHostUnknown,
  configFileEmpty,
];

export function lintPlan(plan: Plan, rules: readonly LintRule[] = LINT_RULES): LintFinding[] {
  const stageOrder = new Map(plan.stages.map((s, i) => [s.name, i]));
  return rules
    .flatMap((rule) => rule.check(plan))
    .sort((a, b) => (stageOrder.get(a.stage ?? '') ?? -1) - (stageOrder.get(b.stage ?? '') ?? -1) || a.code.localeCompare(b.code));
}

/** Whether any finding should fail `bench lint` (errors always; warnings with --strict). */
export function hasBlockingFindings(findings: LintFinding[], options: { strict?: boolean } = {}): boolean {
  return findings.some((f) => f.severity === 'error' || (options.strict === true && f.severity === 'warning'));
}

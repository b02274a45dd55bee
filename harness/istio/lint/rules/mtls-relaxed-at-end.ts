/**
 * RB107: the plan's last stage leaves a workload with mTLS relaxed (PERMISSIVE or DISABLE)
 * after an earlier stage made it STRICT. On a cluster, the last stage's config is what
 * stays applied if restore fails, so the namespace is left open to plaintext.
 */
import { locateField } from '../../../yaml/parse-manifests.ts';
import { effectiveMtlsMode } from '../../semantics/mtls-mode.ts';
import type { LintRule } from './rule.ts';

export const mtlsRelaxedAtEnd: LintRule = {
  code: 'RB107',
  severity: 'warning',
  title: 'the plan ends with mTLS relaxed after a STRICT stage',
  check(plan) {
    const last = plan.stages[plan.stages.length - 1];
    if (!last || plan.stages.length < 2) return [];
    return plan.workloads.flatMap((workload) => {
      if (!workload.sidecar) return [];
      const strictStage = plan.stages.slice(0, -1).find((stage) => effectiveMtlsMode(stage.config, workload).mode === 'STRICT');
      const end = effectiveMtlsMode(last.config, workload);
      if (!strictStage || end.mode === 'STRICT') return [];
      return [
        {
          code: this.code,
          severity: this.severity,
          stage: last.name,
          location: end.policy ? locateField(end.policy, 'spec.mtls.mode') : last.source,
          message: `the last stage leaves ${workload.name} with mTLS ${end.mode}${end.policy ? '' : ' (no PeerAuthentication)'}, after stage ${strictStage.name} made it STRICT`,
          fix: 'end the plan with a STRICT stage, or make sure the target restores the original policy',
        },
      ];
    });
  },
};

/**
 * RB105: `maxEjectionPercent` too low for the number of replicas: a host is ejected only
 * if 100 × (ejected + 1) / hosts ≤ maxEjectionPercent, so with the default 10 % and fewer
 * than 10 replicas nothing is ever ejected (docs/mesh-semantics.md §5).
 */
import { locateField } from '../../../yaml/parse-manifests.ts';
import { type LintRule, outlierBlocksInPlan } from './rule.ts';

export const ejectionNeverPossible: LintRule = {
  code: 'RB105',
  severity: 'warning',
  title: 'maxEjectionPercent can never eject a host with this many replicas',
  check(plan) {
    return outlierBlocksInPlan(plan).flatMap(({ stage, destinationRule, path, outlier, workload, hosts }) => {
      if (!workload || hosts === 0) return [];
      const maxPercent = outlier.maxEjectionPercent ?? 10;
      const onePercent = 100 / hosts;
      if (onePercent <= maxPercent) return [];
      return [
        {
          code: this.code,
          severity: this.severity,
          stage: stage.name,
          location: locateField(destinationRule, outlier.maxEjectionPercent === undefined ? path : `${path}.maxEjectionPercent`),
          message: `${destinationRule.metadata.name}: maxEjectionPercent ${maxPercent}${outlier.maxEjectionPercent === undefined ? ' (default)' : ''} with ${hosts} host(s) behind ${destinationRule.spec.host}: ejecting one host would be ${Math.round(onePercent)}%, so nothing is ever ejected`,
          fix: `set \`maxEjectionPercent: ${Math.ceil(onePercent)}\` or more`,
        },
      ];
    });
  },
};

/** The check tree of several runners as one: groups and checks matched by path, passes and fails added. */
import type { SummaryGroup } from '../../model/k6-summary.ts';

export function mergeGroups(groups: SummaryGroup[]): SummaryGroup {
  const [first] = groups;
  const checks = new Map<string, SummaryGroup['checks'][number]>();
  const children = new Map<string, SummaryGroup[]>();
  for (const group of groups) {
    for (const check of group.checks) {
      const seen = checks.get(check.path);
      if (seen) checks.set(check.path, { ...seen, passes: seen.passes + check.passes, fails: seen.fails + check.fails });
      else checks.set(check.path, { ...check });
    }
    for (const child of group.groups) children.set(child.path, [...(children.get(child.path) ?? []), child]);
  }
  return { name: first.name, path: first.path, id: first.id, groups: [...children.values()].map(mergeGroups), checks: [...checks.values()] };
}

/**
 * k6's group/check tree: paths are `::group::subgroup::check`, ids are the MD5 of the
 * path (the root's path is "", hence d41d8cd9...), children in order of first use.
 */
import { createHash } from 'node:crypto';
import type { SummaryCheck, SummaryGroup } from '../../model/k6-summary.ts';

export const GROUP_SEPARATOR = '::';

export class GroupNode {
  readonly id: string;
  readonly groups = new Map<string, GroupNode>();
  readonly checks = new Map<string, SummaryCheck>();

  constructor(
    readonly name: string,
    readonly path: string,
  ) {
    this.id = md5(path);
  }

  group(name: string): GroupNode {
    let child = this.groups.get(name);
    if (!child) {
      child = new GroupNode(name, `${this.path}${GROUP_SEPARATOR}${name}`);
      this.groups.set(name, child);
    }
    return child;
  }

  check(name: string): SummaryCheck {
    let check = this.checks.get(name);
    if (!check) {
      const path = `${this.path}${GROUP_SEPARATOR}${name}`;
      check = { name, path, id: md5(path), passes: 0, fails: 0 };
      this.checks.set(name, check);
    }
    return check;
  }

  toSummary(): SummaryGroup {
    return {
      name: this.name,
      path: this.path,
      id: this.id,
      groups: [...this.groups.values()].map((g) => g.toSummary()),
      checks: [...this.checks.values()].map((c) => ({ ...c })),
    };
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * What makes two runs comparable like for like: the same plan (hash over the plan and
 * every manifest), the same engine and k6 version, the same mesh profile, the same kind
 * of target and, on a cluster, the same Kubernetes and Istio versions. The target and
 * version maps are free-form (each target describes itself), so versions are found by key.
 */
import type { RunRecord } from '../../run/run-record.ts';
import type { Fingerprint } from '../report-types.ts';
import { isRealK6 } from '../../model/engines.ts';

function findByKey(maps: Record<string, string>[], pattern: RegExp): string | undefined {
  for (const map of maps) {
    for (const [key, value] of Object.entries(map ?? {})) {
      if (pattern.test(key) && typeof value === 'string' && value) return value;
    }
  }
  return undefined;
}

export function fingerprintOf(run: RunRecord): Fingerprint {
  const engines = [...new Set(run.cells.map((cell) => `${cell.engine.name}@${cell.engine.version}`))].sort();
  const k6Cell = run.cells.find((cell) => isRealK6(cell.engine.name));
  const maps = [run.versions ?? {}, run.target ?? {}];
  return {
    planHash: run.plan.hash,
    meshProfile: run.plan.meshProfile,
    targetKind: run.options.target,
    engines: engines.length > 0 ? engines : [run.options.engine],
    k6Version: findByKey(maps, /^k6(Version)?$/i) ?? k6Cell?.engine.version,
    clusterVersion: findByKey(maps, /^(kubernetes|cluster|k8s)(Version)?$/i),
    istioVersion: findByKey(maps, /^istio(Version)?$/i),
  };
}

/** Human-readable differences between two fingerprints (empty when comparable). */
export function fingerprintDifferences(baseline: Fingerprint, current: Fingerprint): string[] {
  const differences: string[] = [];
  const compare = (label: string, a: string | undefined, b: string | undefined) => {
    if ((a ?? '') !== (b ?? '')) differences.push(`${label} differs: baseline ${a ?? 'unknown'}, current ${b ?? 'unknown'}`);
  };
  compare('plan hash', baseline.planHash, current.planHash);
  compare('engine', baseline.engines.join(', '), current.engines.join(', '));
  compare('k6 version', baseline.k6Version, current.k6Version);
  compare('mesh profile', baseline.meshProfile, current.meshProfile);
  compare('target', baseline.targetKind, current.targetKind);
  compare('cluster version', baseline.clusterVersion, current.clusterVersion);
  compare('Istio version', baseline.istioVersion, current.istioVersion);
  return differences;
}

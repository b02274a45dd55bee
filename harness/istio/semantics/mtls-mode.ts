/**
 * The PeerAuthentication mode a workload's server sidecar enforces (docs/mesh-semantics.md §6):
 * a workload policy (selector) beats the namespace policy, which beats the mesh-wide one in
 * `istio-system`; `portLevelMtls` beats the policy's own mode for that port; `UNSET`
 * inherits from the next scope; no policy at all is PERMISSIVE.
 */
import type { WorkloadSpec } from '../../model/plan.ts';
import type { IstioConfig, MtlsMode, PeerAuthentication } from '../../model/istio-objects.ts';

export const MESH_ROOT_NAMESPACE = 'istio-system';

export interface EffectiveMtls {
  mode: Exclude<MtlsMode, 'UNSET'>;
  /** The policy that decided it, if any. */
  policy?: PeerAuthentication;
}

export function effectiveMtlsMode(config: IstioConfig, workload: WorkloadSpec): EffectiveMtls {
  const policies = config.peerAuthentications;
  const selects = (pa: PeerAuthentication) => {
    const labels = pa.spec.selector?.matchLabels;
    return labels !== undefined && Object.keys(labels).length > 0 && Object.entries(labels).every(([k, v]) => workload.labels[k] === v);
  };
  const hasSelector = (pa: PeerAuthentication) => Object.keys(pa.spec.selector?.matchLabels ?? {}).length > 0;
  // Within one scope the oldest policy wins; files are read in order, so the first listed stands for the oldest.
  const scopes = [
    policies.find((pa) => pa.metadata.namespace === workload.namespace && selects(pa)),
    policies.find((pa) => pa.metadata.namespace === workload.namespace && !hasSelector(pa)),
    policies.find((pa) => pa.metadata.namespace === MESH_ROOT_NAMESPACE && !hasSelector(pa)),
  ];
  for (const policy of scopes) {
    if (!policy) continue;
    const portMode = policy.spec.portLevelMtls?.[String(workload.targetPort)]?.mode;
    const mode = portMode && portMode !== 'UNSET' ? portMode : policy.spec.mtls?.mode;
    if (mode && mode !== 'UNSET') return { mode, policy };
  }
  return { mode: 'PERMISSIVE' };
}

/**
 * Which mTLS mode a server sidecar enforces on one port (mesh-semantics §6): workload
 * policy (selector, incl. portLevelMtls by container port) > namespace policy > mesh-wide
 * policy in the root namespace; UNSET inherits from the next scope; nothing at all means
 * PERMISSIVE. Within one scope the oldest policy wins; the model carries no creation
 * timestamps, so "oldest" is the first in configuration order (the plan lists files in
 * the order they are applied).
 */
import type { MtlsMode, PeerAuthentication } from '../../model/istio-objects.ts';

export const ROOT_NAMESPACE = 'istio-system';

export type EffectiveMtlsMode = Exclude<MtlsMode, 'UNSET'>;

export interface PolicyTarget {
  namespace: string;
  labels: Record<string, string>;
  /** Container port the traffic arrives on. */
  port: number;
}

function selects(policy: PeerAuthentication, labels: Record<string, string>): boolean {
  const matchLabels = policy.spec.selector?.matchLabels ?? {};
  return Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
}

function hasSelector(policy: PeerAuthentication): boolean {
  return Object.keys(policy.spec.selector?.matchLabels ?? {}).length > 0;
}

function set(mode: MtlsMode | undefined): EffectiveMtlsMode | undefined {
  return mode === undefined || mode === 'UNSET' ? undefined : mode;
}

export function resolveMtlsMode(policies: readonly PeerAuthentication[], target: PolicyTarget): EffectiveMtlsMode {
  const inNamespace = (namespace: string) => policies.filter((p) => (p.metadata.namespace ?? 'default') === namespace);
  const workload = inNamespace(target.namespace).find((p) => hasSelector(p) && selects(p, target.labels));
  const namespaceWide = inNamespace(target.namespace).find((p) => !hasSelector(p));
  const meshWide = inNamespace(ROOT_NAMESPACE).find((p) => !hasSelector(p));
  return (
    set(workload?.spec.portLevelMtls?.[String(target.port)]?.mode) ??
    set(workload?.spec.mtls?.mode) ??
    set(namespaceWide?.spec.mtls?.mode) ??
    set(meshWide?.spec.mtls?.mode) ??
    'PERMISSIVE'
  );
}

/**
 * What is known about the cluster's Istio: where istiod runs (istio-system, or
 * aks-istio-system for the AKS add-on), its version from the image tag, whether it runs
 * sidecars as native sidecars, and which ingress gateway Service the gateway vantage uses.
 */
import type { V1Deployment } from '@kubernetes/client-node';

export const ISTIO_SYSTEM_NAMESPACES = ['istio-system', 'aks-istio-system'] as const;

/** Ingress gateway Services tried in order: the AKS add-on's external and internal ones, then a default install's. */
export const INGRESS_GATEWAY_SERVICES = [
  { namespace: 'aks-istio-ingress', name: 'aks-istio-ingressgateway-external' },
  { namespace: 'aks-istio-ingress', name: 'aks-istio-ingressgateway-internal' },
  { namespace: 'istio-system', name: 'istio-ingressgateway' },
] as const;

export interface IstiodInfo {
  namespace: string;
  name: string;
  /** `1.24.2`, or undefined when the image tag does not say. */
  version?: string;
  revision?: string;
  /** ENABLE_NATIVE_SIDECARS as istiod has it, when set explicitly. */
  nativeSidecarsEnv?: boolean;
}

export function istiodInfo(deployment: V1Deployment): IstiodInfo {
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  const discovery = containers.find((c) => c.name === 'discovery') ?? containers[0];
  const tag = discovery?.image?.split('@')[0].split(':').at(-1) ?? '';
  const version = /^v?(\d+\.\d+\.\d+)/.exec(tag)?.[1];
  const env = discovery?.env?.find((e) => e.name === 'ENABLE_NATIVE_SIDECARS')?.value;
  return {
    namespace: deployment.metadata?.namespace ?? '',
    name: deployment.metadata?.name ?? '',
    version,
    revision: deployment.metadata?.labels?.['istio.io/rev'],
    nativeSidecarsEnv: env === undefined ? undefined : env === 'true',
  };
}

/**
 * Native sidecars: istiod's explicit setting wins; otherwise on by default from Istio 1.27,
 * and only on Kubernetes >= 1.29 (sidecar containers). Unknown versions count as classic
 * sidecars: the k6 Job then asks the sidecar to quit, which is harmless either way.
 */
export function nativeSidecars(options: { istiod?: IstiodInfo; kubernetesMinor?: number }): boolean {
  if ((options.kubernetesMinor ?? 0) < 29) return false;
  if (options.istiod?.nativeSidecarsEnv !== undefined) return options.istiod.nativeSidecarsEnv;
  const version = options.istiod?.version;
  if (!version) return false;
  const [major, minor] = version.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 27);
}

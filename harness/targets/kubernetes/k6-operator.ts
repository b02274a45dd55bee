/**
 * Is the k6-operator installed? Asked through API discovery (the `testruns` resource of
 * k6.io/v1alpha1 is served), which every authenticated user may read, rather than by
 * reading the CRD, which needs a cluster-wide permission the bench does not ask for.
 */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { apiFailure } from './api-errors.ts';

export const K6_OPERATOR_INSTALL =
  'install the k6-operator (helm repo add grafana https://grafana.github.io/helm-charts && helm install k6-operator grafana/k6-operator, or kubectl apply --server-side -f its bundle.yaml)';

export async function k6OperatorServed(kc: KubeConfig): Promise<boolean> {
  try {
    const list = await kc.makeApiClient(CustomObjectsApi).getAPIResources({ group: 'k6.io', version: 'v1alpha1' });
    return list.resources.some((r) => r.name === 'testruns');
  } catch (error) {
    if (apiFailure(error).status === 404) return false;
    throw error;
  }
}

/** What the run prints when it falls back to plain Jobs: the operator is absent, or the user may not use it. */
export function fallbackNotice(runners: number, operator: 'absent' | 'not-permitted' = 'absent'): string {
  const jobs = `running ${runners} Jobs with k6 execution segments instead`;
  if (operator === 'not-permitted') return `the k6-operator is installed but the user may not get, create and delete k6.io testruns: ${jobs}; to use TestRuns, bind the role in manifests/rbac/ (it grants them)`;
  return `the k6-operator is not installed (k6.io/v1alpha1 TestRun is not served): ${jobs}; to use TestRuns, ${K6_OPERATOR_INSTALL}`;
}

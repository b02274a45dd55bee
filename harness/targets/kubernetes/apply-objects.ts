/**
 * Server-side apply under the bench's field manager, never forced. The whole set is first
 * applied as a dry run, so a field another manager owns with a different value (kubectl,
 * Argo CD, Flux, a colleague) stops the stage before any object changes, with each
 * conflicting field and its owner named.
 */
import { KubernetesObjectApi, PatchStrategy, type KubeConfig } from '@kubernetes/client-node';
import { isUserError, UserError } from '../../errors/user-error.ts';
import { apiFailure } from './api-errors.ts';
import { type KubeObject, describeRef, refOf } from './object-ref.ts';

export const FIELD_MANAGER = 'resilience-bench';

export interface ApplyOptions {
  kc: KubeConfig;
  objects: KubeObject[];
  fieldManager?: string;
  stage?: string;
  /** Called before each object changes (the snapshot records and saves it). */
  beforeChange?: (object: KubeObject) => Promise<void>;
}

export async function applyObjects(options: ApplyOptions): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(options.kc);
  const manager = options.fieldManager ?? FIELD_MANAGER;
  const conflicts: string[] = [];
  for (const object of options.objects) {
    try {
      await api.patch(object, undefined, 'All', manager, false, PatchStrategy.ServerSideApply);
    } catch (error) {
      if (isUserError(error)) throw error; // the API server is gone (CLUSTER_UNREACHABLE)
      const failure = apiFailure(error);
      if (failure.status !== 409) throw applyError(object, failure.message, options.stage);
      conflicts.push(describeConflict(object, failure));
    }
  }
  if (conflicts.length > 0) {
    throw new UserError({
      code: 'FIELD_MANAGER_CONFLICT',
      message: `fields the stage sets are owned by another field manager with other values; nothing was changed: ${conflicts.join('; ')}`,
      fix: `remove or hand over those fields (kubectl apply --server-side --field-manager=${manager} --force-conflicts takes them over deliberately), or run in a namespace nobody else manages`,
      stage: options.stage,
    });
  }
  for (const object of options.objects) {
    await options.beforeChange?.(object);
    try {
      await api.patch(object, undefined, undefined, manager, false, PatchStrategy.ServerSideApply);
    } catch (error) {
      if (isUserError(error)) throw error;
      const failure = apiFailure(error);
      if (failure.status === 409) {
        throw new UserError({ code: 'FIELD_MANAGER_CONFLICT', message: `another field manager took fields of ${describeRef(refOf(object))} during the stage: ${describeConflict(object, failure)}`, fix: 'stop the other writer (controller, GitOps sync) while the bench runs', stage: options.stage });
      }
      throw applyError(object, failure.message, options.stage);
    }
  }
}

function describeConflict(object: KubeObject, failure: ReturnType<typeof apiFailure>): string {
  const fields = failure.causes.filter((c) => c.reason === 'FieldManagerConflict').map((c) => [c.field, c.message].filter(Boolean).join(' '));
  return `${describeRef(refOf(object))}: ${fields.length > 0 ? fields.join(', ') : failure.message}`;
}

function applyError(object: KubeObject, message: string, stage: string | undefined): UserError {
  return new UserError({
    code: 'APPLY_REJECTED',
    message: `the API server refused ${describeRef(refOf(object))}: ${message}`,
    fix: 'a validating webhook (istiod) or the schema rejected it: fix the manifest, or check that the cluster runs the Istio version the plan targets',
    stage,
  });
}

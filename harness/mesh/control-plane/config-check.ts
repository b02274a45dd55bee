/**
 * The mesh's backstop before it accepts a configuration: the Istio model's own validator
 * (the checks istiod's webhook makes), so a hand-built IstioConfig with a bad value fails
 * `applyConfig` with the same error a plan would get, instead of failing a request later.
 */
import { UserErrors } from '../../errors/user-error.ts';
import { validateIstioObjects } from '../../istio/validate/validate-config.ts';
import type { IstioConfig, ManifestObject } from '../../model/istio-objects.ts';

export function checkMeshConfig(config: IstioConfig): void {
  const objects: ManifestObject<unknown>[] = [...config.virtualServices, ...config.destinationRules, ...config.peerAuthentications, ...config.gateways];
  const errors = validateIstioObjects(objects);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new UserErrors(errors);
}

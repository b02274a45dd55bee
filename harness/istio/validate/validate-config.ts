/**
 * Kind-specific validation of Istio objects and grouping into an `IstioConfig`. Accepted
 * kinds and API versions are those istiod serves for the features the bench models.
 */
import { UserError } from '../../errors/user-error.ts';
import { suggestName } from '../../yaml/closest-name.ts';
import { checkSchema, type Schema, type SchemaContext } from '../../yaml/field-schema.ts';
import { locateField, manifestPositions } from '../../yaml/parse-manifests.ts';
import type { DestinationRule, Gateway, IstioConfig, ManifestObject, PeerAuthentication, VirtualService } from '../../model/istio-objects.ts';
import { destinationRuleSpecSchema } from './validate-destination-rule.ts';
import { gatewaySpecSchema } from './validate-gateway.ts';
import { peerAuthenticationSpecSchema } from './validate-peer-authentication.ts';
import { virtualServiceSpecSchema } from './validate-virtual-service.ts';

const NETWORKING = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];
const SECURITY = ['security.istio.io/v1', 'security.istio.io/v1beta1'];

export const ISTIO_KINDS: Record<string, { apiVersions: string[]; spec: Schema }> = {
  VirtualService: { apiVersions: NETWORKING, spec: virtualServiceSpecSchema },
  DestinationRule: { apiVersions: NETWORKING, spec: destinationRuleSpecSchema },
  Gateway: { apiVersions: NETWORKING, spec: gatewaySpecSchema },
  PeerAuthentication: { apiVersions: SECURITY, spec: peerAuthenticationSpecSchema },
};

export function emptyIstioConfig(): IstioConfig {
  return { virtualServices: [], destinationRules: [], peerAuthentications: [], gateways: [] };
}

/** Every problem with these objects (unknown kinds, bad fields, duplicates); empty when valid. */
export function validateIstioObjects(objects: readonly ManifestObject<unknown>[]): UserError[] {
  const errors: UserError[] = [];
  const seen = new Map<string, ManifestObject<unknown>>();
  for (const object of objects) {
    const kind = ISTIO_KINDS[object.kind];
    if (!kind) {
      errors.push(
        new UserError({
          code: 'ISTIO_UNKNOWN_KIND',
          message: `kind ${object.kind} is not an Istio object the bench applies per stage`,
          fix: isWorkloadKind(object.kind)
            ? 'list workload objects under spec.workloads, not in a stage config'
            : suggestName(object.kind, Object.keys(ISTIO_KINDS), 'supported kinds'),
          location: locateField(object, 'kind'),
        }),
      );
      continue;
    }
    if (!kind.apiVersions.includes(object.apiVersion)) {
      errors.push(
        new UserError({
          code: 'ISTIO_BAD_API_VERSION',
          message: `apiVersion ${object.apiVersion} is not valid for ${object.kind}`,
          fix: `use ${kind.apiVersions[0]} (also accepted: ${kind.apiVersions.slice(1).join(', ')})`,
          location: locateField(object, 'apiVersion'),
        }),
      );
    }
    const key = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const previous = seen.get(key);
    if (previous) {
      errors.push(
        new UserError({
          code: 'ISTIO_DUPLICATE_OBJECT',
          message: `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name} is defined twice (also at ${previous.source.file}:${previous.source.line})`,
          fix: 'keep one definition per stage, or rename one of them',
          location: object.source,
        }),
      );
    }
    seen.set(key, object);
    const ctx: SchemaContext = {
      file: object.source.file,
      positions: manifestPositions(object),
      codes: { unknownField: 'ISTIO_UNKNOWN_FIELD', missingField: 'ISTIO_MISSING_FIELD', badValue: 'ISTIO_INVALID_FIELD' },
      errors,
    };
    checkSchema(object.spec, { ...kind.spec, required: true }, 'spec', ctx);
  }
  return errors;
}

/** Groups validated objects by kind. Unknown kinds are left out (validation reports them). */
export function groupIstioConfig(objects: ManifestObject[]): IstioConfig {
  const config = emptyIstioConfig();
  for (const object of objects) {
    if (object.kind === 'VirtualService') config.virtualServices.push(object as unknown as VirtualService);
    else if (object.kind === 'DestinationRule') config.destinationRules.push(object as unknown as DestinationRule);
    else if (object.kind === 'PeerAuthentication') config.peerAuthentications.push(object as unknown as PeerAuthentication);
    else if (object.kind === 'Gateway') config.gateways.push(object as unknown as Gateway);
  }
  return config;
}

function isWorkloadKind(kind: string): boolean {
  return ['Deployment', 'Service', 'ServiceAccount', 'Namespace', 'Pod', 'StatefulSet'].includes(kind);
}

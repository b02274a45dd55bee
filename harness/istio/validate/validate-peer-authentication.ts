/** PeerAuthentication validation (docs/mesh-semantics.md §6): modes, and portLevelMtls only with a selector. */
import type { Schema } from '../../yaml/field-schema.ts';
import { childPath } from '../../yaml/yaml-source.ts';

export const MTLS_MODES = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] as const;

const mtls: Schema = { type: 'object', fields: { mode: { type: 'string', enum: MTLS_MODES } } };

export const peerAuthenticationSpecSchema: Schema = {
  type: 'object',
  fields: {
    selector: { type: 'object', fields: { matchLabels: { type: 'map', values: { type: 'string' } } } },
    mtls,
    portLevelMtls: {
      type: 'map',
      values: mtls,
      check: (value: Record<string, unknown>, path) =>
        Object.keys(value)
          .filter((port) => !/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)
          .map((port) => ({ path: childPath(path, port), message: `portLevelMtls key \`${port}\` is not a port number`, fix: 'use the workload container port, e.g. `5000:`' })),
    },
  },
  check: (value: Record<string, unknown>, path) => {
    const selector = value.selector as { matchLabels?: Record<string, string> } | undefined;
    const hasSelector = selector?.matchLabels !== undefined && Object.keys(selector.matchLabels).length > 0;
    if (value.portLevelMtls === undefined || hasSelector) return undefined;
    return {
      path: childPath(path, 'portLevelMtls'),
      message: 'portLevelMtls requires a workload selector',
      fix: 'add `selector: { matchLabels: { app: … } }` or use spec.mtls for the whole namespace',
    };
  },
};

/** Gateway validation: servers with a port and hosts. */
import type { Schema } from '../../yaml/field-schema.ts';

export const gatewaySpecSchema: Schema = {
  type: 'object',
  fields: {
    selector: { type: 'map', values: { type: 'string' } },
    servers: {
      type: 'array',
      minItems: 1,
      required: true,
      items: {
        type: 'object',
        fields: {
          port: {
            type: 'object',
            required: true,
            fields: {
              number: { type: 'number', integer: true, min: 1, max: 65535, required: true },
              name: { type: 'string' },
              protocol: { type: 'string', enum: ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'TCP', 'TLS', 'MONGO'], required: true },
              targetPort: { type: 'number', integer: true, min: 1, max: 65535 },
            },
          },
          hosts: { type: 'array', items: { type: 'string' }, minItems: 1, required: true },
          tls: { type: 'any' },
          bind: { type: 'string' },
          defaultEndpoint: { type: 'string' },
          name: { type: 'string' },
        },
      },
    },
  },
};

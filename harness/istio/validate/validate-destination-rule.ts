/** DestinationRule validation: connection pool, outlier detection and client TLS (docs/mesh-semantics.md §4–6). */
import type { Schema } from '../../yaml/field-schema.ts';

const count: Schema = { type: 'number', integer: true, min: 0 };
const percentage: Schema = { type: 'number', integer: true, min: 0, max: 100 };

const connectionPool: Schema = {
  type: 'object',
  fields: {
    tcp: {
      type: 'object',
      fields: { maxConnections: count, connectTimeout: { type: 'duration' }, tcpKeepalive: { type: 'any' }, maxConnectionDuration: { type: 'duration' }, idleTimeout: { type: 'duration' } },
    },
    http: {
      type: 'object',
      fields: {
        http1MaxPendingRequests: count,
        http2MaxRequests: count,
        maxRequestsPerConnection: count,
        maxRetries: count,
        idleTimeout: { type: 'duration' },
        h2UpgradePolicy: { type: 'string', enum: ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'] },
        useClientProtocol: { type: 'boolean' },
        maxConcurrentStreams: count,
      },
    },
  },
};

const outlierDetection: Schema = {
  type: 'object',
  fields: {
    consecutive5xxErrors: count,
    consecutiveGatewayErrors: count,
    consecutiveErrors: count,
    consecutiveLocalOriginFailures: count,
    splitExternalLocalOriginErrors: { type: 'boolean' },
    interval: { type: 'duration' },
    baseEjectionTime: { type: 'duration' },
    maxEjectionPercent: percentage,
    minHealthPercent: percentage,
  },
};

const tls: Schema = {
  type: 'object',
  fields: {
    mode: { type: 'string', enum: ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'], required: true },
    clientCertificate: { type: 'string' },
    privateKey: { type: 'string' },
    caCertificates: { type: 'string' },
    credentialName: { type: 'string' },
    subjectAltNames: { type: 'array', items: { type: 'string' } },
    sni: { type: 'string' },
    insecureSkipVerify: { type: 'boolean' },
  },
};

const trafficPolicy: Schema = {
  type: 'object',
  fields: { connectionPool, outlierDetection, tls, loadBalancer: { type: 'any' }, portLevelSettings: { type: 'any' }, tunnel: { type: 'any' }, proxyProtocol: { type: 'any' } },
};

export const destinationRuleSpecSchema: Schema = {
  type: 'object',
  fields: {
    host: { type: 'string', required: true },
    trafficPolicy,
    subsets: {
      type: 'array',
      items: { type: 'object', fields: { name: { type: 'string', required: true }, labels: { type: 'map', values: { type: 'string' } }, trafficPolicy } },
    },
    exportTo: { type: 'array', items: { type: 'string' } },
    workloadSelector: { type: 'any' },
  },
};

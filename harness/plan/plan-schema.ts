/**
 * The shape of a plan file (documented field by field in manifests/plans/README.md).
 * Cross-field rules (stage names unique, expectations only for the plan's vantages, …)
 * are in `load-plan.ts`; this file only says which fields exist and what they hold.
 */
import type { Problem, Schema } from '../yaml/field-schema.ts';
import { MESH_PROFILES } from '../model/istio-objects.ts';
import { childPath } from '../yaml/yaml-source.ts';
import { VANTAGES } from '../model/plan.ts';

/** Runners one in-mesh cell may be split over (`runners:`, `--runners`). */
export const MAX_RUNNERS = 64;

export const PLAN_API_VERSION = 'bench.resilience.dev/v1';
export const PLAN_KIND = 'Plan';

export const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsHint = 'lowercase letters, digits and dashes (e.g. retries-5xx)';

const fraction: Schema = { type: 'number', min: 0, max: 1 };

const rateBounds: Schema = {
  type: 'object',
  fields: { min: fraction, max: fraction },
  check: (value: { min?: number; max?: number }, path): Problem | undefined =>
    typeof value.min === 'number' && typeof value.max === 'number' && value.min > value.max
      ? { path: childPath(path, 'min'), message: `${path}: min ${value.min} is above max ${value.max}`, fix: 'swap min and max, or widen the bounds' }
      : undefined,
};

const latencyBound: Schema = { type: 'number', min: 0 };

const expectation: Schema = {
  type: 'object',
  fields: {
    errorRate: rateBounds,
    networkErrorRate: rateBounds,
    latencyMs: { type: 'object', fields: { p50: latencyBound, p90: latencyBound, p95: latencyBound, p99: latencyBound, max: latencyBound } },
  },
};

const behaviourOverride: Schema = {
  type: 'object',
  fields: {
    failureRate: fraction,
    failureStatus: { type: 'number', integer: true, min: 100, max: 599 },
    latency: { type: 'string' },
    hangRate: fraction,
    resetRate: fraction,
    slowStart: { type: 'string' },
  },
};

const stage: Schema = {
  type: 'object',
  fields: {
    name: { type: 'string', required: true, pattern: DNS_NAME, patternHint: dnsHint },
    description: { type: 'string' },
    config: { type: 'array', items: { type: 'string' }, required: true },
    behaviour: { type: 'map', values: behaviourOverride },
    expect: { type: 'object', fields: Object.fromEntries(VANTAGES.map((v) => [v, expectation])) },
  },
};

export const planSchema: Schema = {
  type: 'object',
  fields: {
    apiVersion: { type: 'string', enum: [PLAN_API_VERSION], required: true },
    kind: { type: 'string', enum: [PLAN_KIND], required: true },
    metadata: {
      type: 'object',
      required: true,
      fields: { name: { type: 'string', required: true, pattern: DNS_NAME, patternHint: dnsHint }, description: { type: 'string' } },
    },
    spec: {
      type: 'object',
      required: true,
      fields: {
        meshProfile: { type: 'string', enum: MESH_PROFILES },
        namespace: { type: 'string', pattern: DNS_NAME, patternHint: dnsHint },
        workloads: { type: 'array', items: { type: 'string' }, minItems: 1, required: true },
        scenario: {
          type: 'object',
          required: true,
          fields: {
            script: { type: 'string', pattern: /^[a-z0-9][a-z0-9-]*$/, patternHint: 'a scenario file name without extension (e.g. unstable-endpoint)' },
            url: { type: 'string', required: true, pattern: /^https?:\/\/[^/\s]+(\/\S*)?$/, patternHint: 'an http:// URL (e.g. http://appflaky.retryns.svc.cluster.local/unstable-endpoint)' },
            rate: { type: 'number', min: 0.1, max: 10_000 },
            // The same bounds as --duration (plan/load-override.ts): a cell is one stage from one vantage.
            duration: { type: 'duration', minMs: 1000, maxMs: 24 * 3_600_000 },
            preAllocatedVUs: { type: 'number', integer: true, min: 1, max: 10_000 },
            maxVUs: { type: 'number', integer: true, min: 1, max: 10_000 },
            runners: { type: 'number', integer: true, min: 1, max: MAX_RUNNERS },
            requestTimeout: { type: 'duration' },
            env: { type: 'map', values: { type: 'scalar' } },
          },
        },
        vantages: { type: 'array', items: { type: 'string', enum: VANTAGES }, minItems: 1 },
        stages: { type: 'array', items: stage, minItems: 1, required: true },
      },
    },
  },
};

export const PLAN_DEFAULTS = {
  meshProfile: 'istio-1.24+',
  script: 'unstable-endpoint',
  rate: 50,
  duration: '10s',
  requestTimeout: '10s',
  vantages: ['in-mesh', 'external'],
} as const;

/**
 * VUs for a constant-arrival-rate scenario: enough pre-allocated VUs for answers of up to
 * ~500 ms at `rate`, and room to grow to 2 s answers before k6 starts dropping iterations.
 */
export function defaultVUs(rate: number): { preAllocatedVUs: number; maxVUs: number } {
  const preAllocatedVUs = Math.max(10, Math.ceil(rate / 2));
  return { preAllocatedVUs, maxVUs: Math.max(preAllocatedVUs, 100, Math.ceil(rate * 2)) };
}

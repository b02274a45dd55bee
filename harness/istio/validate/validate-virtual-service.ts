/**
 * VirtualService validation: the fields the bench models, checked the way istiod's
 * validating webhook would (docs/mesh-semantics.md §1–3). Fields Istio accepts but the bench
 * does not model (rewrite, mirror, …) are accepted without checks.
 */
import type { Problem, Schema } from '../../yaml/field-schema.ts';
import { childPath } from '../../yaml/yaml-source.ts';
import { parseRetryOn, RETRY_ON_WORDS } from '../semantics/retry-on.ts';
import { suggestName } from '../../yaml/closest-name.ts';

const stringMatch: Schema = {
  type: 'object',
  fields: { exact: { type: 'string' }, prefix: { type: 'string' }, regex: { type: 'string' } },
  check: (value: Record<string, unknown>, path) => {
    const set = ['exact', 'prefix', 'regex'].filter((k) => value[k] !== undefined);
    if (set.length === 1) return typeof value.regex === 'string' ? checkRegex(value.regex, childPath(path, 'regex')) : undefined;
    return { message: `${path} must set exactly one of exact, prefix, regex (has ${set.length === 0 ? 'none' : set.join(' and ')})`, fix: 'keep one of exact, prefix or regex' };
  },
};

/** istiod compiles match regexes (RE2); one that does not compile is rejected. */
function checkRegex(regex: string, path: string): Problem | undefined {
  try {
    new RegExp(regex);
    return undefined;
  } catch {
    return { path, message: `${path}: invalid regular expression "${regex}"`, fix: 'write an RE2-compatible regular expression' };
  }
}

const percent: Schema = { type: 'object', fields: { value: { type: 'number', min: 0, max: 100, required: true } } };

const retries: Schema = {
  type: 'object',
  fields: {
    attempts: { type: 'number', integer: true, min: 0 },
    perTryTimeout: { type: 'duration' },
    retryOn: { type: 'string', check: checkRetryOn },
    retryRemoteLocalities: { type: 'boolean' },
    backoff: { type: 'duration' },
  },
  check: (value: Record<string, unknown>, path) => {
    // retry.go: attempts 0 disables the policy, so settings that only make sense with retries are rejected.
    if ((value.attempts ?? 0) !== 0) return undefined;
    const extras = ['perTryTimeout', 'retryOn', 'retryRemoteLocalities'].filter((k) => value[k] !== undefined);
    if (extras.length === 0) return undefined;
    return {
      path: childPath(path, value.attempts === undefined ? extras[0] : 'attempts'),
      message: `${path}: ${extras.join(', ')} cannot be set when attempts is 0${value.attempts === undefined ? ' (attempts defaults to 0)' : ''}`,
      fix: 'set attempts to 1 or more, or remove the other retry fields',
    };
  },
};

function checkRetryOn(value: string, path: string): Problem[] {
  return parseRetryOn(value).problems.map((problem) => ({
    path,
    message: `${path}: ${problem.message}`,
    fix: retryOnFix(problem.token),
  }));
}

function retryOnFix(token: string): string {
  const trimmed = token.trim();
  if (trimmed === '') return 'separate entries with single commas, e.g. `5xx,reset`';
  if (trimmed !== token) return `write the entries without spaces, e.g. \`retryOn: 5xx,${trimmed}\``;
  if (/^[+-]?\d+$/.test(trimmed)) return 'use a status code Go knows (e.g. 500, 502, 503, 504), separated by commas';
  return suggestName(trimmed, RETRY_ON_WORDS, 'valid conditions');
}

const fault: Schema = {
  type: 'object',
  fields: {
    delay: {
      type: 'object',
      fields: {
        fixedDelay: { type: 'duration', required: true },
        percentage: percent,
        percent: { type: 'number', integer: true, min: 0, max: 100 },
        exponentialDelay: { type: 'duration' },
      },
    },
    abort: {
      type: 'object',
      fields: {
        httpStatus: { type: 'number', integer: true, min: 200, max: 599 },
        grpcStatus: { type: 'string' },
        http2Error: { type: 'string' },
        percentage: percent,
      },
      check: (value: Record<string, unknown>, path) =>
        value.httpStatus === undefined && value.grpcStatus === undefined && value.http2Error === undefined
          ? { message: `${path} needs httpStatus (or grpcStatus / http2Error)`, fix: 'add e.g. `httpStatus: 503`' }
          : undefined,
    },
  },
  check: (value: Record<string, unknown>, path) =>
    value.delay === undefined && value.abort === undefined ? { message: `${path} must have delay or abort`, fix: 'add a delay or abort block, or remove fault' } : undefined,
};

const destination: Schema = {
  type: 'object',
  fields: {
    host: { type: 'string', required: true },
    subset: { type: 'string' },
    port: { type: 'object', fields: { number: { type: 'number', integer: true, min: 1, max: 65535, required: true } } },
  },
};

const httpMatch: Schema = {
  type: 'object',
  fields: {
    name: { type: 'string' },
    uri: stringMatch,
    scheme: stringMatch,
    method: stringMatch,
    authority: stringMatch,
    headers: { type: 'map', values: stringMatch },
    queryParams: { type: 'map', values: stringMatch },
    withoutHeaders: { type: 'map', values: stringMatch },
    ignoreUriCase: { type: 'boolean' },
    port: { type: 'number', integer: true, min: 1, max: 65535 },
    sourceLabels: { type: 'map', values: { type: 'string' } },
    sourceNamespace: { type: 'string' },
    gateways: { type: 'array', items: { type: 'string' } },
    statPrefix: { type: 'string' },
  },
};

const httpRoute: Schema = {
  type: 'object',
  fields: {
    name: { type: 'string' },
    match: { type: 'array', items: httpMatch },
    route: {
      type: 'array',
      items: { type: 'object', fields: { destination: { ...destination, required: true }, weight: { type: 'number', integer: true, min: 0, max: 100 }, headers: { type: 'any' } } },
    },
    timeout: { type: 'duration', allowZero: true },
    retries,
    fault,
    // Valid Istio fields the bench passes through without modelling them.
    redirect: { type: 'any' },
    directResponse: { type: 'any' },
    delegate: { type: 'any' },
    rewrite: { type: 'any' },
    mirror: { type: 'any' },
    mirrors: { type: 'any' },
    mirrorPercentage: { type: 'any' },
    corsPolicy: { type: 'any' },
    headers: { type: 'any' },
  },
  check: (value: Record<string, unknown>, path) =>
    value.route === undefined && value.redirect === undefined && value.directResponse === undefined && value.delegate === undefined
      ? { message: `${path} has no route (or redirect / directResponse / delegate)`, fix: 'add `route: [{ destination: { host: … } }]`' }
      : undefined,
};

export const virtualServiceSpecSchema: Schema = {
  type: 'object',
  fields: {
    hosts: { type: 'array', items: { type: 'string' }, minItems: 1, required: true },
    gateways: { type: 'array', items: { type: 'string' } },
    http: { type: 'array', items: httpRoute },
    tcp: { type: 'any' },
    tls: { type: 'any' },
    exportTo: { type: 'array', items: { type: 'string' } },
  },
};

/**
 * The run's metrics: built-in and custom, each with the sub-metrics thresholds name
 * (`http_reqs{status:500}`). A sample goes to its metric and to every sub-metric whose
 * tags it carries, as k6's metrics engine does; nothing else is kept per sample.
 */
import { UserError } from '../../../errors/user-error.ts';
import type { MetricContains, MetricType } from '../../../model/k6-summary.ts';
import { createSink, type Sink } from './sinks.ts';

export type Tags = Record<string, string>;

export interface Submetric {
  /** `name{k:v,...}` exactly as the threshold wrote it. */
  name: string;
  tags: [string, string][];
  sink: Sink;
  observed: boolean;
}

export interface Metric {
  name: string;
  type: MetricType;
  contains: MetricContains;
  sink: Sink;
  submetrics: Submetric[];
  /** k6 shows a metric in the summary once it has a sample, or when a threshold names it. */
  observed: boolean;
}

const METRIC_NAME = /^[A-Za-z0-9_!@#$%^&*()\-+=. ]{1,128}$/;

export const BUILTIN_METRICS: [string, MetricType, MetricContains][] = [
  ['vus', 'gauge', 'default'],
  ['vus_max', 'gauge', 'default'],
  ['iterations', 'counter', 'default'],
  ['iteration_duration', 'trend', 'time'],
  ['dropped_iterations', 'counter', 'default'],
  ['data_received', 'counter', 'data'],
  ['data_sent', 'counter', 'data'],
  ['checks', 'rate', 'default'],
  ['group_duration', 'trend', 'time'],
  ['http_reqs', 'counter', 'default'],
  ['http_req_failed', 'rate', 'default'],
  ['http_req_duration', 'trend', 'time'],
  ['http_req_blocked', 'trend', 'time'],
  ['http_req_connecting', 'trend', 'time'],
  ['http_req_tls_handshaking', 'trend', 'time'],
  ['http_req_sending', 'trend', 'time'],
  ['http_req_waiting', 'trend', 'time'],
  ['http_req_receiving', 'trend', 'time'],
];

export class MetricRegistry {
  readonly metrics = new Map<string, Metric>();
  /** Set once the test is over: samples from iterations cut off by a hard stop are dropped. */
  closed = false;

  constructor() {
    for (const [name, type, contains] of BUILTIN_METRICS) this.define(name, type, contains);
    // k6 reports the duration of expected responses, threshold or not, once one arrived
    // (with no successful request it leaves the metric out).
    this.target('http_req_duration{expected_response:true}');
  }

  /** Defines a metric, or returns the existing one when the type matches (k6 allows redefinition per VU). */
  define(name: string, type: MetricType, contains: MetricContains = 'default'): Metric {
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type) {
        throw new UserError({
          code: 'K6_METRIC_TYPE_CONFLICT',
          message: `metric "${name}" is already a ${existing.type}, cannot redefine it as a ${type}`,
          fix: 'give the custom metric another name',
        });
      }
      return existing;
    }
    if (!METRIC_NAME.test(name)) {
      throw new UserError({
        code: 'K6_INVALID_METRIC_NAME',
        message: `invalid metric name "${name}"`,
        fix: 'use 1-128 letters, digits and underscores',
      });
    }
    const metric: Metric = { name, type, contains, sink: createSink(type), submetrics: [], observed: false };
    this.metrics.set(name, metric);
    return metric;
  }

  /** What a threshold names: a metric, or its sub-metric `parent{k:v,...}` (created on first use). */
  target(fullName: string): { metric: Metric; aggregate: Metric | Submetric } {
    const { parent, tags } = splitSubmetricName(fullName);
    const metric = this.metrics.get(parent);
    if (!metric) {
      throw new UserError({
        code: 'K6_UNKNOWN_METRIC',
        message: `threshold names metric "${parent}", which the script never defines`,
        fix: 'define it with new Counter/Gauge/Rate/Trend in the init code, or fix the name',
      });
    }
    if (tags.length === 0) return { metric, aggregate: metric };
    const canonical = `${parent}{${tags.map(([k, v]) => `${k}:${v}`).join(',')}}`;
    let sub = metric.submetrics.find((s) => s.name === canonical);
    if (!sub) {
      sub = { name: canonical, tags, sink: createSink(metric.type), observed: false };
      metric.submetrics.push(sub);
    }
    return { metric, aggregate: sub };
  }

  add(metric: Metric, value: number, tags: Tags): void {
    if (this.closed) return;
    metric.sink.add(value);
    metric.observed = true;
    const subs = metric.submetrics;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i];
      if (matches(sub.tags, tags)) {
        sub.sink.add(value);
        sub.observed = true;
      }
    }
  }

  get(name: string): Metric {
    const metric = this.metrics.get(name);
    if (!metric) throw new Error(`built-in metric ${name} missing`);
    return metric;
  }
}

function matches(wanted: [string, string][], tags: Tags): boolean {
  for (let i = 0; i < wanted.length; i++) {
    if (tags[wanted[i][0]] !== wanted[i][1]) return false;
  }
  return true;
}

/** `http_reqs{status:500,method:GET}` → parent and tag pairs; values may be quoted as in k6. */
export function splitSubmetricName(fullName: string): { parent: string; tags: [string, string][] } {
  const open = fullName.indexOf('{');
  if (open === -1) return { parent: fullName.trim(), tags: [] };
  if (!fullName.endsWith('}')) throw invalidSubmetric(fullName);
  const parent = fullName.slice(0, open).trim();
  const body = fullName.slice(open + 1, -1).trim();
  if (body === '') return { parent, tags: [] };
  const tags: [string, string][] = body.split(',').map((pair) => {
    const colon = pair.indexOf(':');
    if (colon === -1) throw invalidSubmetric(fullName);
    const key = pair.slice(0, colon).trim();
    const value = pair
      .slice(colon + 1)
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2');
    if (key === '') throw invalidSubmetric(fullName);
    return [key, value];
  });
  return { parent, tags };
}

function invalidSubmetric(name: string): UserError {
  return new UserError({
    code: 'K6_INVALID_THRESHOLD',
    message: `threshold metric "${name}" is not of the form name{tag:value,...}`,
    fix: 'write it like http_req_duration{status:200}',
  });
}

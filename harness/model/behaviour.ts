/**
 * The sample app's behaviour variables (FAILURE_RATE, FAILURE_STATUS, LATENCY, HANG_RATE,
 * RESET_RATE, SLOW_START): parsing and defaults. The same text form is used in a
 * Deployment's env and in a stage's `behaviour` override.
 */
import { tryParseDuration } from '../util/duration.ts';
import type { AppBehaviour, LatencySpec } from './plan.ts';

export const DEFAULT_BEHAVIOUR: AppBehaviour = {
  failureRate: 0,
  failureStatus: 500,
  latency: { kind: 'fixed', ms: 0 },
  hangRate: 0,
  resetRate: 0,
};

/** The env variable each behaviour field is read from. */
export const BEHAVIOUR_ENV = {
  failureRate: 'FAILURE_RATE',
  failureStatus: 'FAILURE_STATUS',
  latency: 'LATENCY',
  hangRate: 'HANG_RATE',
  resetRate: 'RESET_RATE',
  slowStart: 'SLOW_START',
} as const satisfies Record<keyof AppBehaviour, string>;

export type BehaviourField = keyof typeof BEHAVIOUR_ENV;

/** Parsed value, or an error message with the accepted forms. */
export type FieldResult<T> = { value: T } | { error: string };

export function parseRate(text: string): FieldResult<number> {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) return { error: `"${text}" is not a probability between 0 and 1` };
  return { value };
}

export function parseStatus(text: string): FieldResult<number> {
  const value = Number(text);
  if (!/^\d{3}$/.test(text.trim()) || value < 100 || value > 599) return { error: `"${text}" is not an HTTP status (100-599)` };
  return { value };
}

/** `fixed:5ms` | `uniform:10ms-50ms` | `normal:100ms,20ms` */
export function parseLatency(text: string): FieldResult<LatencySpec> {
  const hint = 'expected fixed:5ms, uniform:10ms-50ms or normal:100ms,20ms';
  const [kind, args, ...rest] = text.trim().split(':');
  if (args === undefined || rest.length > 0) return { error: `"${text}": ${hint}` };
  const durations = (parts: string[]) => parts.map((part) => tryParseDuration(part));
  if (kind === 'fixed') {
    const [ms] = durations([args]);
    return ms === undefined ? { error: `"${text}": ${hint}` } : { value: { kind: 'fixed', ms } };
  }
  if (kind === 'uniform') {
    const parts = args.split('-');
    const [minMs, maxMs] = durations(parts);
    if (parts.length !== 2 || minMs === undefined || maxMs === undefined) return { error: `"${text}": ${hint}` };
    if (minMs > maxMs) return { error: `"${text}": the minimum is above the maximum` };
    return { value: { kind: 'uniform', minMs, maxMs } };
  }
  if (kind === 'normal') {
    const parts = args.split(',');
    const [meanMs, stddevMs] = durations(parts);
    if (parts.length !== 2 || meanMs === undefined || stddevMs === undefined) return { error: `"${text}": ${hint}` };
    return { value: { kind: 'normal', meanMs, stddevMs } };
  }
  return { error: `"${text}": unknown latency kind \`${kind}\`; ${hint}` };
}

/** `30s:200ms`: for the first 30 s after start, up to 200 ms extra latency fading to 0. */
export function parseSlowStart(text: string): FieldResult<{ durationMs: number; extraMs: number }> {
  const parts = text.trim().split(':');
  const [durationMs, extraMs] = parts.map((part) => tryParseDuration(part));
  if (parts.length !== 2 || durationMs === undefined || extraMs === undefined) return { error: `"${text}": expected e.g. 30s:200ms (window:extra latency)` };
  return { value: { durationMs, extraMs } };
}

/** Parses one behaviour field from its text form. */
export function parseBehaviourField(field: BehaviourField, text: string): FieldResult<AppBehaviour[BehaviourField]> {
  switch (field) {
    case 'failureRate':
    case 'hangRate':
    case 'resetRate':
      return parseRate(text);
    case 'failureStatus':
      return parseStatus(text);
    case 'latency':
      return parseLatency(text);
    case 'slowStart':
      return parseSlowStart(text);
  }
}

export function formatLatency(latency: LatencySpec): string {
  if (latency.kind === 'fixed') return `fixed:${latency.ms}ms`;
  if (latency.kind === 'uniform') return `uniform:${latency.minMs}ms-${latency.maxMs}ms`;
  return `normal:${latency.meanMs}ms,${latency.stddevMs}ms`;
}

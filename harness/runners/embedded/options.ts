/**
 * Turns the script's `options` into the list of scenarios to run, with k6's defaults and
 * shortcuts (`vus`+`duration` → constant-vus, `iterations` → shared-iterations, `stages`
 * → ramping-vus). Anything k6 would reject is a UserError (exit 104, invalid config).
 */
import { UserError } from '../../errors/user-error.ts';
import { optionalDurationMs, parseDurationMs } from './duration.ts';
import { DEFAULT_TREND_STATS, isTrendStat } from './summary.ts';

export type ExecutorName =
  | 'shared-iterations'
  | 'per-vu-iterations'
  | 'constant-vus'
  | 'ramping-vus'
  | 'constant-arrival-rate'
  | 'ramping-arrival-rate';

export interface Stage {
  durationMs: number;
  target: number;
}

interface ScenarioBase {
  name: string;
  startTimeMs: number;
  gracefulStopMs: number;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
}

export type ScenarioConfig = ScenarioBase &
  (
    | { executor: 'shared-iterations' | 'per-vu-iterations'; vus: number; iterations: number; maxDurationMs: number }
    | { executor: 'constant-vus'; vus: number; durationMs: number }
    | { executor: 'ramping-vus'; startVUs: number; stages: Stage[]; gracefulRampDownMs: number }
    | { executor: 'constant-arrival-rate'; rate: number; timeUnitMs: number; durationMs: number; preAllocatedVUs: number; maxVUs: number }
    | { executor: 'ramping-arrival-rate'; startRate: number; timeUnitMs: number; stages: Stage[]; preAllocatedVUs: number; maxVUs: number }
  );

export interface TestOptions {
  scenarios: ScenarioConfig[];
  thresholds: unknown;
  summaryTrendStats: string[];
  summaryTimeUnit: string;
  /** `options.tags`: added to every sample, like `--tag`. */
  tags: Record<string, string>;
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  discardResponseBodies: boolean;
  batch: number;
}

const EXECUTORS = new Set<string>([
  'shared-iterations',
  'per-vu-iterations',
  'constant-vus',
  'ramping-vus',
  'constant-arrival-rate',
  'ramping-arrival-rate',
]);

export function normalizeOptions(raw: unknown): TestOptions {
  const options = (raw ?? {}) as Record<string, unknown>;
  const trendStats = options.summaryTrendStats ?? DEFAULT_TREND_STATS;
  if (!Array.isArray(trendStats) || !trendStats.every(isTrendStat)) {
    throw invalidConfig(`summaryTrendStats ${JSON.stringify(trendStats)} has an unknown column`, 'use avg, min, med, max, count or p(N)');
  }
  return {
    scenarios: scenariosFrom(options),
    thresholds: options.thresholds,
    summaryTrendStats: trendStats as string[],
    summaryTimeUnit: typeof options.summaryTimeUnit === 'string' ? options.summaryTimeUnit : '',
    tags: stringRecord(options.tags, 'options.tags'),
    setupTimeoutMs: optionalDurationMs(options.setupTimeout, 60_000, 'setupTimeout'),
    teardownTimeoutMs: optionalDurationMs(options.teardownTimeout, 60_000, 'teardownTimeout'),
    discardResponseBodies: options.discardResponseBodies === true,
    batch: positiveInt(options.batch ?? 20, 'batch'),
  };
}

function scenariosFrom(options: Record<string, unknown>): ScenarioConfig[] {
  if (options.scenarios !== undefined) {
    if (typeof options.scenarios !== 'object' || options.scenarios === null) throw invalidConfig('options.scenarios must be an object');
    const entries = Object.entries(options.scenarios as Record<string, unknown>);
    if (entries.length === 0) throw invalidConfig('options.scenarios is empty', 'define at least one scenario');
    return entries.map(([name, spec]) => scenario(name, (spec ?? {}) as Record<string, unknown>));
  }
  if (options.stages !== undefined) {
    return [scenario('default', { executor: 'ramping-vus', startVUs: options.vus ?? 1, stages: options.stages })];
  }
  if (options.duration !== undefined) {
    return [scenario('default', { executor: 'constant-vus', vus: options.vus ?? 1, duration: options.duration })];
  }
  return [scenario('default', { executor: 'shared-iterations', vus: options.vus ?? 1, iterations: options.iterations ?? 1 })];
}

function scenario(name: string, spec: Record<string, unknown>): ScenarioConfig {
  const executor = spec.executor;
  if (typeof executor !== 'string' || !EXECUTORS.has(executor)) {
    throw invalidConfig(`scenario "${name}" has unknown executor ${JSON.stringify(executor)}`, `use one of ${[...EXECUTORS].join(', ')}`);
  }
  const what = (field: string) => `scenario "${name}" ${field}`;
  const base: ScenarioBase = {
    name,
    startTimeMs: optionalDurationMs(spec.startTime, 0, what('startTime')),
    gracefulStopMs: optionalDurationMs(spec.gracefulStop, 30_000, what('gracefulStop')),
    exec: typeof spec.exec === 'string' ? spec.exec : 'default',
    env: stringRecord(spec.env, what('env')),
    tags: stringRecord(spec.tags, what('tags')),
  };
  switch (executor) {
    case 'shared-iterations':
    case 'per-vu-iterations': {
      const vus = positiveInt(spec.vus ?? 1, what('vus'));
      const iterations = positiveInt(spec.iterations ?? 1, what('iterations'));
      if (executor === 'shared-iterations' && iterations < vus) {
        throw invalidConfig(`${what('iterations')} (${iterations}) must be at least vus (${vus})`, 'lower vus or raise iterations');
      }
      return { ...base, executor, vus, iterations, maxDurationMs: optionalDurationMs(spec.maxDuration, 600_000, what('maxDuration')) };
    }
    case 'constant-vus':
      return { ...base, executor, vus: positiveInt(spec.vus ?? 1, what('vus')), durationMs: requiredDuration(spec.duration, what('duration')) };
    case 'ramping-vus':
      return {
        ...base,
        executor,
        startVUs: nonNegativeInt(spec.startVUs ?? 1, what('startVUs')),
        stages: stages(spec.stages, what('stages')),
        gracefulRampDownMs: optionalDurationMs(spec.gracefulRampDown, 30_000, what('gracefulRampDown')),
      };
    case 'constant-arrival-rate': {
      const preAllocatedVUs = nonNegativeInt(spec.preAllocatedVUs, what('preAllocatedVUs'));
      return {
        ...base,
        executor,
        rate: positiveNumber(spec.rate, what('rate')),
        timeUnitMs: optionalDurationMs(spec.timeUnit, 1000, what('timeUnit')),
        durationMs: requiredDuration(spec.duration, what('duration')),
        preAllocatedVUs,
        maxVUs: Math.max(preAllocatedVUs, nonNegativeInt(spec.maxVUs ?? preAllocatedVUs, what('maxVUs'))),
      };
    }
    default: {
      const preAllocatedVUs = nonNegativeInt(spec.preAllocatedVUs, what('preAllocatedVUs'));
      return {
        ...base,
        executor: 'ramping-arrival-rate',
        startRate: nonNegativeNumber(spec.startRate ?? 0, what('startRate')),
        timeUnitMs: optionalDurationMs(spec.timeUnit, 1000, what('timeUnit')),
        stages: stages(spec.stages, what('stages')),
        preAllocatedVUs,
        maxVUs: Math.max(preAllocatedVUs, nonNegativeInt(spec.maxVUs ?? preAllocatedVUs, what('maxVUs'))),
      };
    }
  }
}

function stages(raw: unknown, what: string): Stage[] {
  if (!Array.isArray(raw) || raw.length === 0) throw invalidConfig(`${what} must be a non-empty list`, 'add stages like { duration: "10s", target: 5 }');
  return raw.map((stage: Record<string, unknown>, i) => ({
    durationMs: requiredDuration(stage?.duration, `${what}[${i}].duration`),
    target: nonNegativeNumber(stage?.target, `${what}[${i}].target`),
  }));
}

function requiredDuration(value: unknown, what: string): number {
  if (value === undefined) throw invalidConfig(`${what} is required`, 'set it, e.g. "30s"');
  return parseDurationMs(value, what);
}

function positiveInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalidConfig(`${what} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

function nonNegativeInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidConfig(`${what} must be a whole number >= 0, got ${JSON.stringify(value)}`);
  return value;
}

function positiveNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !(value > 0)) throw invalidConfig(`${what} must be a number > 0, got ${JSON.stringify(value)}`);
  return value;
}

function nonNegativeNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !(value >= 0)) throw invalidConfig(`${what} must be a number >= 0, got ${JSON.stringify(value)}`);
  return value;
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidConfig(`${what} must be an object of strings`);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

export function invalidConfig(message: string, fix = 'see k6-compat.md for the option'): UserError {
  return new UserError({ code: 'K6_INVALID_CONFIG', message, fix });
}

/**
 * Run folders and baselines are files a user can hand over (or a crash can cut short):
 * before the report code walks them, check that every field it reads has the type it
 * expects, and name the first one that does not, instead of failing deep inside with a
 * TypeError. Only what is read is checked; extra fields are fine.
 */
export type Shape =
  | 'string'
  | 'number'
  | 'boolean'
  | { optional: Shape }
  | { nullable: Shape }
  | { array: Shape }
  | { record: Shape }
  | { object: Record<string, Shape> };

/** The path and expected type of the first mismatch, or undefined when `value` fits. */
export function shapeProblem(value: unknown, shape: Shape, path = ''): string | undefined {
  if (typeof shape === 'string') return typeof value === shape ? undefined : mismatch(path, `a ${shape}`, value);
  if ('optional' in shape) return value === undefined ? undefined : shapeProblem(value, shape.optional, path);
  if ('nullable' in shape) return value === null ? undefined : shapeProblem(value, shape.nullable, path);
  if ('array' in shape) {
    if (!Array.isArray(value)) return mismatch(path, 'a list', value);
    for (const [index, item] of value.entries()) {
      const problem = shapeProblem(item, shape.array, `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return mismatch(path, 'an object', value);
  const record = value as Record<string, unknown>;
  if ('record' in shape) {
    for (const [key, item] of Object.entries(record)) {
      const problem = shapeProblem(item, shape.record, path ? `${path}.${key}` : key);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const [key, fieldShape] of Object.entries(shape.object)) {
    const problem = shapeProblem(Object.hasOwn(record, key) ? record[key] : undefined, fieldShape, path ? `${path}.${key}` : key);
    if (problem) return problem;
  }
  return undefined;
}

function mismatch(path: string, expected: string, value: unknown): string {
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : value === undefined ? 'nothing' : typeof value;
  return `${path || 'the document'} should be ${expected}, is ${got}`;
}

const optionalString: Shape = { optional: 'string' };

/** What the report builder reads from run.json. */
export const RUN_RECORD_SHAPE: Shape = {
  object: {
    runId: 'string',
    status: 'string',
    startedAt: 'string',
    finishedAt: optionalString,
    error: optionalString,
    plan: { object: { name: 'string', hash: 'string', meshProfile: 'string', url: 'string', vantages: { optional: { array: 'string' } } } },
    options: { object: { target: 'string', engine: 'string', vantages: { optional: { array: 'string' } } } },
    versions: { optional: { record: 'string' } },
    target: { optional: { record: 'string' } },
    limitations: { optional: { array: 'string' } },
    stages: { array: { object: { name: 'string', description: optionalString, configFiles: { optional: { array: 'string' } }, lint: { optional: { array: { object: {} } } } } } },
    cells: {
      array: {
        object: {
          stage: 'string',
          vantage: 'string',
          outcome: 'string',
          exitCode: { optional: 'number' },
          detail: optionalString,
          engine: { object: { name: 'string', version: 'string' } },
          files: { optional: { object: { summary: optionalString, proxyStats: optionalString, accessLog: optionalString } } },
          expectation: { optional: { object: {} } },
          prediction: { optional: { object: {} } },
          load: { optional: { object: { rate: 'number', durationSeconds: 'number' } } },
        },
      },
    },
  },
};

const measuredProportion: Shape = { object: { value: { nullable: { object: { count: 'number', total: 'number', rate: 'number' } } } } };
const measuredNumber: Shape = { object: { value: { nullable: 'number' } } };

/** What a comparison reads from a baseline's report.json. */
export const REPORT_SHAPE: Shape = {
  object: {
    runId: 'string',
    confidence: 'number',
    fingerprint: { object: { planHash: 'string', meshProfile: 'string', targetKind: 'string', engines: { array: 'string' } } },
    cells: {
      array: {
        object: {
          stage: 'string',
          vantage: 'string',
          errorRate: measuredProportion,
          networkErrorRate: measuredProportion,
          latencyMs: { object: { p50: measuredNumber, p90: measuredNumber, p95: measuredNumber, p99: measuredNumber } },
        },
      },
    },
  },
};

/**
 * The k6 modules the embedded runtime provides, and exactly which names each exports.
 * The loader checks a bundle's imports against SUPPORTED_EXPORTS before running anything,
 * so an unsupported API fails at load time; namespace/default objects additionally throw
 * on unknown members (e.g. `http.cookieJar()`), naming the API.
 */
import { unsupportedApi } from '../errors.ts';
import type { Vu } from '../vu.ts';
import { createExecutionModule } from './execution.ts';
import { createHttpModule } from './http.ts';
import { createK6Module } from './k6.ts';
import { createMetricsModule } from './metrics.ts';
import { createTimersModule } from './timers.ts';

export const SUPPORTED_EXPORTS: Record<string, ReadonlySet<string>> = {
  k6: new Set(['check', 'group', 'sleep', 'fail', 'randomSeed']),
  'k6/http': new Set([
    'get',
    'head',
    'post',
    'put',
    'patch',
    'del',
    'options',
    'request',
    'asyncRequest',
    'batch',
    'expectedStatuses',
    'setResponseCallback',
  ]),
  'k6/metrics': new Set(['Counter', 'Gauge', 'Rate', 'Trend']),
  'k6/execution': new Set(['vu', 'scenario', 'instance', 'test']),
  'k6/timers': new Set(['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval']),
};

const FACTORIES: Record<string, (vu: Vu) => Record<string, unknown>> = {
  k6: createK6Module,
  'k6/http': createHttpModule,
  'k6/metrics': createMetricsModule,
  'k6/execution': createExecutionModule,
  'k6/timers': createTimersModule,
};

/** The `require` a VU's script instance gets: fresh module objects bound to that VU. */
export function createRequire(vu: Vu): (specifier: string) => unknown {
  const cache = new Map<string, unknown>();
  return (specifier: string) => {
    let module = cache.get(specifier);
    if (module === undefined) {
      const factory = FACTORIES[specifier];
      if (!factory) throw unsupportedApi(`module "${specifier}"`);
      module = esModule(specifier, factory(vu));
      cache.set(specifier, module);
    }
    return module;
  };
}

/** Named exports plus a guarded default export, shaped for esbuild's CommonJS interop. */
function esModule(specifier: string, members: Record<string, unknown>): Record<string, unknown> {
  const guarded = new Proxy(members, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target) && key !== 'then' && key !== 'toJSON') {
        throw unsupportedApi(`${specifier === 'k6' ? 'k6' : specifier}.${key}`);
      }
      return Reflect.get(target, key, receiver);
    },
  });
  return Object.assign(Object.create(null), members, { __esModule: true, default: guarded });
}

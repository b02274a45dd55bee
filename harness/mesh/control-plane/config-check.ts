/**
 * The checks the mesh itself needs before it accepts a configuration: every value it will
 * turn into behaviour (durations, retryOn words, regexes) must parse. The Istio model's
 * validator reports these first with full context; this is the backstop for callers that
 * build an IstioConfig by hand, so a bad value fails `applyConfig` instead of a request.
 */
import { UserError } from '../../errors/user-error.ts';
import type { IstioConfig, ManifestObject } from '../../model/istio-objects.ts';
import { durationMs } from './duration.ts';
import { parseRetryOn } from '../../istio/semantics/retry-on.ts';

function fail(object: ManifestObject<unknown>, path: string, message: string, fix: string): never {
  throw new UserError({
    code: 'MESH_INVALID_CONFIG',
    message: `${object.kind} ${object.metadata.namespace ?? 'default'}/${object.metadata.name}: ${path}: ${message}`,
    fix,
    location: { file: object.source.file, line: object.lines?.[path] ?? object.source.line },
  });
}

function checkDuration(object: ManifestObject<unknown>, path: string, value: string | undefined): void {
  if (value === undefined) return;
  try {
    durationMs(value);
  } catch {
    fail(object, path, `"${value}" is not a duration`, 'write durations like "5ms", "1.5s" or "1m"');
  }
}

export function checkMeshConfig(config: IstioConfig): void {
  for (const vs of config.virtualServices) {
    (vs.spec.http ?? []).forEach((route, i) => {
      const at = `spec.http[${i}]`;
      checkDuration(vs, `${at}.timeout`, route.timeout);
      checkDuration(vs, `${at}.retries.perTryTimeout`, route.retries?.perTryTimeout);
      checkDuration(vs, `${at}.retries.backoff`, route.retries?.backoff);
      checkDuration(vs, `${at}.fault.delay.fixedDelay`, route.fault?.delay?.fixedDelay);
      if (route.retries?.retryOn !== undefined) {
        const [problem] = parseRetryOn(route.retries.retryOn).problems;
        if (problem) fail(vs, `${at}.retries.retryOn`, problem.message, 'use Envoy retry conditions (5xx, gateway-error, reset, connect-failure, ...) or status codes');
      }
      (route.match ?? []).forEach((match, j) => {
        for (const [field, value] of [
          ['uri', match.uri?.regex],
          ['method', match.method?.regex],
          ...Object.entries(match.headers ?? {}).map(([name, m]) => [`headers.${name}`, m.regex]),
        ] as [string, string | undefined][]) {
          if (value === undefined) continue;
          try {
            new RegExp(value);
          } catch {
            fail(vs, `${at}.match[${j}].${field}.regex`, `invalid regular expression "${value}"`, 'write an RE2-compatible regular expression');
          }
        }
      });
    });
  }
  for (const dr of config.destinationRules) {
    const policies = [dr.spec.trafficPolicy, ...(dr.spec.subsets ?? []).map((s) => s.trafficPolicy)];
    for (const policy of policies) {
      checkDuration(dr, 'spec.trafficPolicy.outlierDetection.interval', policy?.outlierDetection?.interval);
      checkDuration(dr, 'spec.trafficPolicy.outlierDetection.baseEjectionTime', policy?.outlierDetection?.baseEjectionTime);
      checkDuration(dr, 'spec.trafficPolicy.connectionPool.http.idleTimeout', policy?.connectionPool?.http?.idleTimeout);
    }
  }
}

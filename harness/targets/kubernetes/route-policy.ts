/**
 * The retry policy a stage should put on the route the scenario calls, and the one a
 * sidecar's Envoy actually holds (its config dump), in one comparable shape. Equal means
 * the proxy has the stage; the expected side comes from the Istio model (route selection
 * and Istio's retry defaults), so this check and the expected-outcome model agree on what
 * a stage means.
 */
import { effectiveRetryPolicy } from '../../istio/semantics/retry-policy.ts';
import { selectRoute } from '../../istio/semantics/route-selection.ts';
import { qualifyHost } from '../../istio/semantics/service-hosts.ts';
import type { IstioConfig, MeshProfile } from '../../model/istio-objects.ts';
import { tryParseDuration } from '../../util/duration.ts';

export interface RoutePolicy {
  /** Retries after the first try. */
  attempts: number;
  /** Envoy retry conditions, sorted; status codes as numbers in `statusCodes`. */
  retryOn: string[];
  statusCodes: number[];
  perTryTimeoutMs?: number;
}

export interface RouteTarget {
  /** Fully qualified service host. */
  host: string;
  port: number;
  path: string;
}

export function routeTargetOf(url: string, namespace: string): RouteTarget {
  const parsed = new URL(url);
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  return { host: qualifyHost(parsed.hostname, namespace), port, path: parsed.pathname || '/' };
}

export function expectedRoutePolicy(options: { config: IstioConfig; target: RouteTarget; profile: MeshProfile }): RoutePolicy {
  const { target } = options;
  const selected = selectRoute({ config: options.config, request: { host: target.host, path: target.path, method: 'GET', headers: {} } });
  const policy = effectiveRetryPolicy(selected?.route.retries, options.profile);
  return normalise({ attempts: policy.attempts, retryOn: [...policy.retryOn.words], statusCodes: [...policy.retryOn.statusCodes], perTryTimeoutMs: policy.perTryTimeoutMs });
}

interface EnvoyRetryPolicy {
  retry_on?: string;
  num_retries?: number;
  per_try_timeout?: string;
  retriable_status_codes?: number[];
}

interface EnvoyRoute {
  match?: { prefix?: string; path?: string; safe_regex?: { regex?: string } };
  route?: { retry_policy?: EnvoyRetryPolicy };
}

/**
 * The retry policy of the first route that serves `target` in an Envoy config dump
 * (RoutesConfigDump: dynamic_route_configs[].route_config named by port, virtual hosts
 * by domain); undefined when the proxy has no such route yet.
 */
export function observedRoutePolicy(configDump: unknown, target: RouteTarget): RoutePolicy | undefined {
  const configs = (configDump as { configs?: unknown[] })?.configs ?? [];
  for (const section of configs) {
    const dynamic = (section as { dynamic_route_configs?: { route_config?: unknown }[] }).dynamic_route_configs ?? [];
    for (const { route_config } of dynamic) {
      const config = route_config as { name?: string; virtual_hosts?: { domains?: string[]; routes?: EnvoyRoute[] }[] } | undefined;
      if (!config || config.name !== String(target.port)) continue;
      const host = config.virtual_hosts?.find((vh) => (vh.domains ?? []).some((d) => d === target.host || d === `${target.host}:${target.port}`));
      const route = host?.routes?.find((r) => routeMatchesPath(r, target.path));
      if (!route) continue;
      const retry = route.route?.retry_policy;
      if (!retry) return { attempts: 0, retryOn: [], statusCodes: [] };
      return normalise({
        // Envoy's default when a retry policy omits num_retries is one retry.
        attempts: retry.num_retries ?? 1,
        retryOn: (retry.retry_on ?? '').split(',').map((w) => w.trim()).filter(Boolean),
        statusCodes: retry.retriable_status_codes ?? [],
        perTryTimeoutMs: retry.per_try_timeout === undefined ? undefined : tryParseDuration(retry.per_try_timeout),
      });
    }
  }
  return undefined;
}

/** What differs, one phrase each; empty when the proxy holds the expected policy. */
export function routePolicyDifferences(expected: RoutePolicy, observed: RoutePolicy): string[] {
  const differences: string[] = [];
  if (expected.attempts !== observed.attempts) differences.push(`attempts ${observed.attempts}, expected ${expected.attempts}`);
  if (expected.attempts === 0 && observed.attempts === 0) return differences;
  if (expected.retryOn.join(',') !== observed.retryOn.join(',')) differences.push(`retry_on "${observed.retryOn.join(',')}", expected "${expected.retryOn.join(',')}"`);
  if (expected.statusCodes.join(',') !== observed.statusCodes.join(',')) differences.push(`retriable status codes [${observed.statusCodes}], expected [${expected.statusCodes}]`);
  if ((expected.perTryTimeoutMs ?? 0) !== (observed.perTryTimeoutMs ?? 0)) differences.push(`per-try timeout ${observed.perTryTimeoutMs ?? 'none'} ms, expected ${expected.perTryTimeoutMs ?? 'none'} ms`);
  return differences;
}

export function describeRoutePolicy(policy: RoutePolicy): string {
  if (policy.attempts === 0) return 'no retries';
  const codes = policy.statusCodes.length > 0 ? `+${policy.statusCodes.join(',')}` : '';
  return `${policy.attempts} retries on ${policy.retryOn.join(',') || '(nothing)'}${codes}${policy.perTryTimeoutMs ? `, per try ${policy.perTryTimeoutMs} ms` : ''}`;
}

/** `retriable-status-codes` without codes retries nothing: both sides drop it so they compare. */
function normalise(policy: RoutePolicy): RoutePolicy {
  const statusCodes = [...new Set(policy.statusCodes)].sort((a, b) => a - b);
  const words = new Set(policy.retryOn);
  if (statusCodes.length === 0) words.delete('retriable-status-codes');
  return { ...policy, retryOn: [...words].sort(), statusCodes };
}

function routeMatchesPath(route: EnvoyRoute, path: string): boolean {
  const match = route.match ?? {};
  if (match.path !== undefined) return match.path === path;
  if (match.prefix !== undefined) return path.startsWith(match.prefix);
  if (match.safe_regex?.regex !== undefined) {
    try {
      return new RegExp(`^(?:${match.safe_regex.regex})$`).test(path);
    } catch {
      return false;
    }
  }
  return true;
}

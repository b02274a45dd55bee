/**
 * What an outbound proxy (client sidecar or ingress gateway) does with a request: which
 * VirtualService and http route apply (hosts, gateways, ordered match rules) and which
 * destination a weighted route picks. Without a VirtualService a known service gets
 * Istio's default route (default retries, no timeout).
 */
import type { HttpMatchRequest, HttpRoute, IstioConfig, MeshProfile, StringMatch, VirtualService } from '../../model/istio-objects.ts';
import { optionalDurationMs } from './duration.ts';
import type { Random } from '../shared/random.ts';
import { type RetryPolicy, resolveRetryPolicy } from './retry-policy.ts';
import { hostCovers, qualifyHost } from '../../istio/semantics/service-hosts.ts';
import { type MeshService, type MeshTopology, splitAuthority } from './topology.ts';

/** The gateway name of sidecars; a VirtualService without `gateways` binds only to it. */
export const MESH_GATEWAY = 'mesh';

export interface RouteRequest {
  authority: string;
  /** Path with query string, as in the request line. */
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface CompiledRoute {
  /** `<vs namespace>/<vs name>` or `default` when no VirtualService applies. */
  source: string;
  http?: HttpRoute;
  timeoutMs?: number;
  retryPolicy?: RetryPolicy;
}

export interface RouteTarget {
  /** Destination FQDN as configured (resolved relative to the VirtualService's namespace). */
  host: string;
  port: number;
  subset?: string;
  service?: MeshService;
  clusterName: string;
}

export type RouteDecision = { kind: 'no-route' } | { kind: 'route'; route: CompiledRoute; target: RouteTarget };

export interface RouteTableOptions {
  config: IstioConfig;
  topology: MeshTopology;
  profile: MeshProfile;
  /** `mesh` for sidecars, `<namespace>/<name>` of each Gateway an ingress proxy serves. */
  gateways: string[];
  /** Namespace of the proxy, for short host names in requests. */
  namespace: string;
}

export function clusterName(port: number, subset: string | undefined, host: string): string {
  return `outbound|${port}|${subset ?? ''}|${host}`;
}

function stringMatches(match: StringMatch | undefined, value: string | undefined): boolean {
  if (!match) return true;
  if (value === undefined) return false;
  if (match.exact !== undefined) return value === match.exact;
  if (match.prefix !== undefined) return value.startsWith(match.prefix);
  // Envoy's safe_regex (RE2) must match the whole value.
  if (match.regex !== undefined) return new RegExp(`^(?:${match.regex})$`).test(value);
  return true;
}

function headerValue(headers: RouteRequest['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

function pathWithoutQuery(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

/** Istio: uri exact and regex see the path without its query; prefix sees the whole :path. */
function uriMatches(match: StringMatch | undefined, path: string): boolean {
  if (!match) return true;
  if (match.prefix !== undefined) return path.startsWith(match.prefix);
  return stringMatches(match, pathWithoutQuery(path));
}

function requestMatches(match: HttpMatchRequest, request: RouteRequest, gateway: string, vsNamespace: string): boolean {
  if (match.gateways && !match.gateways.some((g) => qualifyGateway(g, vsNamespace) === gateway)) return false;
  if (!uriMatches(match.uri, request.path)) return false;
  if (!stringMatches(match.method, request.method)) return false;
  for (const [name, headerMatch] of Object.entries(match.headers ?? {})) {
    if (!stringMatches(headerMatch, headerValue(request.headers, name))) return false;
  }
  return true;
}

/** `mesh` stays; `name` means the Gateway in the VirtualService's own namespace. */
export function qualifyGateway(gateway: string, namespace: string): string {
  if (gateway === MESH_GATEWAY || gateway.includes('/')) return gateway;
  return `${namespace}/${gateway}`;
}

function vsGateways(vs: VirtualService): string[] {
  const namespace = vs.metadata.namespace ?? 'default';
  return (vs.spec.gateways ?? [MESH_GATEWAY]).map((g) => qualifyGateway(g, namespace));
}

export class RouteTable {
  // A table lives as long as one config snapshot, so what it derives from that snapshot is
  // computed once, not per request: bound VirtualServices, compiled routes, cluster targets.
  private readonly bound = new Map<string, VirtualService[]>();
  private readonly compiled = new WeakMap<HttpRoute, CompiledRoute>();
  private readonly targets = new Map<string, RouteTarget>();
  private fallback?: CompiledRoute;

  constructor(private readonly options: RouteTableOptions) {}

  private boundVirtualServices(gateway: string): VirtualService[] {
    let list = this.bound.get(gateway);
    if (!list) {
      list = this.options.config.virtualServices.filter((vs) => vsGateways(vs).includes(gateway));
      this.bound.set(gateway, list);
    }
    return list;
  }

  private compile(http: HttpRoute, vsNamespace: string, vsName: string | undefined): CompiledRoute {
    let route = this.compiled.get(http);
    if (!route) {
      const timeoutMs = optionalDurationMs(http.timeout) || undefined;
      route = { source: `${vsNamespace}/${vsName}`, http, timeoutMs, retryPolicy: resolveRetryPolicy(http.retries, this.options.profile, timeoutMs) };
      this.compiled.set(http, route);
    }
    return route;
  }

  /** Picks the route for `request`; `random` draws the weighted destination. */
  route(request: RouteRequest, random: Random): RouteDecision {
    const { topology, namespace, gateways } = this.options;
    const { host } = splitAuthority(request.authority);
    for (const gateway of gateways) {
      const isMesh = gateway === MESH_GATEWAY;
      // Sidecars only route to known services; gateways route by the virtual host name.
      const service = isMesh ? topology.resolveAuthority(request.authority, namespace) : undefined;
      if (isMesh && !service) continue;
      if (!isMesh && !this.gatewayServes(gateway, host)) continue;
      const wanted = service ? service.fqdn : host;
      const vs = this.boundVirtualServices(gateway).find((candidate) => {
        const vsNamespace = candidate.metadata.namespace ?? 'default';
        return candidate.spec.hosts.some((h) => hostCovers(qualifyHost(h, vsNamespace), wanted) || hostCovers(h.toLowerCase(), wanted));
      });
      if (!vs) {
        if (service) return { kind: 'route', route: this.defaultRoute(), target: this.target(service.fqdn, service.port, undefined) };
        continue;
      }
      const vsNamespace = vs.metadata.namespace ?? 'default';
      const http = (vs.spec.http ?? []).find((r) => !r.match || r.match.length === 0 || r.match.some((m) => requestMatches(m, request, gateway, vsNamespace)));
      if (!http?.route || http.route.length === 0) return { kind: 'no-route' };
      const destination = pickWeighted(http.route, random).destination;
      const destinationHost = qualifyHost(destination.host, vsNamespace);
      const port = destination.port?.number ?? topology.byFqdn(destinationHost)?.port ?? 80;
      return { kind: 'route', route: this.compile(http, vsNamespace, vs.metadata.name), target: this.target(destinationHost, port, destination.subset) };
    }
    return { kind: 'no-route' };
  }

  /** Whether the Gateway object `<ns>/<name>` lists a server host that matches `host` (`ns/host` and `*` forms). */
  private gatewayServes(gateway: string, host: string): boolean {
    const gw = this.options.config.gateways.find((g) => `${g.metadata.namespace ?? 'default'}/${g.metadata.name}` === gateway);
    if (!gw) return false;
    return gw.spec.servers.some((server) =>
      server.hosts.some((h) => {
        const pattern = h.includes('/') ? h.slice(h.indexOf('/') + 1) : h;
        return hostCovers(pattern.toLowerCase(), host);
      }),
    );
  }

  private defaultRoute(): CompiledRoute {
    this.fallback ??= { source: 'default', retryPolicy: resolveRetryPolicy(undefined, this.options.profile) };
    return this.fallback;
  }

  private target(host: string, port: number, subset: string | undefined): RouteTarget {
    const name = clusterName(port, subset, host);
    let target = this.targets.get(name);
    if (!target) {
      target = { host, port, subset, service: this.options.topology.byFqdn(host, port), clusterName: name };
      this.targets.set(name, target);
    }
    return target;
  }
}

/** Weighted choice; a lone destination without weight takes everything. */
export function pickWeighted<T extends { weight?: number }>(choices: readonly T[], random: Random): T {
  if (choices.length === 1) return choices[0];
  const weights = choices.map((c) => c.weight ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return choices[0];
  let draw = random() * total;
  for (let i = 0; i < choices.length; i++) {
    draw -= weights[i];
    if (draw < 0) return choices[i];
  }
  return choices[choices.length - 1];
}

/**
 * Which VirtualService route serves a request, as the client sidecar (vantage in-mesh) or
 * the ingress gateway (vantage gateway) would pick it: the VirtualService must be bound to
 * that proxy (`gateways` absent or listing `mesh`, or listing the gateway), its hosts must
 * cover the request host, and the first `http` route whose match matches wins.
 */
import { hostCovers, qualifyHost } from './service-hosts.ts';
import type { Gateway, HttpMatchRequest, HttpRoute, IstioConfig, StringMatch, VirtualService } from '../../model/istio-objects.ts';

export interface RouteRequest {
  /** Fully qualified request host. */
  host: string;
  path: string;
  method: string;
  headers: Record<string, string>;
}

export interface SelectedRoute {
  virtualService: VirtualService;
  route: HttpRoute;
  index: number;
}

/** Whether `vs` applies to the sidecars of the mesh (no `gateways`, or `mesh` listed). */
export function boundToMesh(vs: VirtualService): boolean {
  const gateways = vs.spec.gateways ?? [];
  return gateways.length === 0 || gateways.includes('mesh');
}

/** Whether `vs` lists `gateway` (by name in the VirtualService's namespace, or `namespace/name`). */
export function boundToGateway(vs: VirtualService, gateway: Gateway): boolean {
  const vsNamespace = vs.metadata.namespace ?? 'default';
  const gwNamespace = gateway.metadata.namespace ?? 'default';
  return (vs.spec.gateways ?? []).some((entry) => {
    if (entry.includes('/')) return entry === `${gwNamespace}/${gateway.metadata.name}`;
    return entry === gateway.metadata.name && vsNamespace === gwNamespace;
  });
}

export function selectRoute(options: { config: IstioConfig; request: RouteRequest; gateway?: Gateway }): SelectedRoute | undefined {
  const { config, request, gateway } = options;
  for (const vs of config.virtualServices) {
    const bound = gateway ? boundToGateway(vs, gateway) : boundToMesh(vs);
    if (!bound) continue;
    const namespace = vs.metadata.namespace ?? 'default';
    // A gateway VirtualService often uses external names or `*`; the mesh one names the service.
    if (!vs.spec.hosts.some((h) => hostCovers(qualifyHost(h, namespace), request.host)) && !(gateway && vs.spec.hosts.includes('*'))) continue;
    const routes = vs.spec.http ?? [];
    for (const [index, route] of routes.entries()) {
      if (routeMatches(route, request, gateway)) return { virtualService: vs, route, index };
    }
  }
  return undefined;
}

function routeMatches(route: HttpRoute, request: RouteRequest, gateway: Gateway | undefined): boolean {
  const matches = route.match ?? [];
  if (matches.length === 0) return true;
  return matches.some((match) => matchRequest(match, request, gateway));
}

function matchRequest(match: HttpMatchRequest, request: RouteRequest, gateway: Gateway | undefined): boolean {
  if (match.uri && !stringMatches(match.uri, request.path)) return false;
  if (match.method && !stringMatches(match.method, request.method)) return false;
  for (const [name, expected] of Object.entries(match.headers ?? {})) {
    const actual = request.headers[name.toLowerCase()];
    if (actual === undefined || !stringMatches(expected, actual)) return false;
  }
  for (const name of Object.keys((match as { withoutHeaders?: Record<string, unknown> }).withoutHeaders ?? {})) {
    if (request.headers[name.toLowerCase()] !== undefined) return false;
  }
  if (match.gateways && match.gateways.length > 0) {
    const here = gateway ? [gateway.metadata.name, `${gateway.metadata.namespace ?? 'default'}/${gateway.metadata.name}`] : ['mesh'];
    if (!match.gateways.some((g) => here.includes(g))) return false;
  }
  return true;
}

export function stringMatches(match: StringMatch, value: string): boolean {
  if (match.exact !== undefined) return value === match.exact;
  if (match.prefix !== undefined) return value.startsWith(match.prefix);
  if (match.regex !== undefined) {
    try {
      return new RegExp(`^(?:${match.regex})$`).test(value);
    } catch {
      return false;
    }
  }
  return true;
}

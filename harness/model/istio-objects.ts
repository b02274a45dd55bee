/**
 * Typed model of the Kubernetes and Istio objects the bench reads. Field names follow the
 * Istio API (networking.istio.io/v1, security.istio.io/v1) so the same YAML goes to a cluster.
 * Durations stay as Istio strings ("5ms", "1.5s") in the model; `parseDuration` in
 * `duration.ts` turns them into milliseconds where behaviour needs numbers.
 */
import type { SourceLocation } from '../errors/user-error.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any object read from a manifest, with where it came from. */
export interface ManifestObject<Spec = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Spec;
  source: SourceLocation;
  /** Line of each field path (`spec.http[0].retries.attempts`) for precise errors. */
  lines?: Record<string, number>;
}

// ---- VirtualService -------------------------------------------------------------------

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HttpMatchRequest {
  name?: string;
  uri?: StringMatch;
  method?: StringMatch;
  headers?: Record<string, StringMatch>;
  gateways?: string[];
}

export interface Destination {
  host: string;
  subset?: string;
  port?: { number: number };
}

export interface HttpRouteDestination {
  destination: Destination;
  weight?: number;
}

export interface HttpRetry {
  attempts?: number;
  perTryTimeout?: string;
  retryOn?: string;
  retryRemoteLocalities?: boolean;
  /** Newer Istio: replaces Envoy's 25 ms base back-off interval. */
  backoff?: string;
}

export interface Percent {
  value: number;
}

export interface HttpFaultInjection {
  delay?: { fixedDelay?: string; percentage?: Percent; percent?: number };
  abort?: { httpStatus?: number; percentage?: Percent };
}

export interface HttpRoute {
  name?: string;
  match?: HttpMatchRequest[];
  route?: HttpRouteDestination[];
  timeout?: string;
  retries?: HttpRetry;
  fault?: HttpFaultInjection;
}

export interface VirtualServiceSpec {
  hosts: string[];
  gateways?: string[];
  http?: HttpRoute[];
}

// ---- DestinationRule ------------------------------------------------------------------

export interface ConnectionPoolSettings {
  tcp?: { maxConnections?: number; connectTimeout?: string };
  http?: {
    http1MaxPendingRequests?: number;
    http2MaxRequests?: number;
    maxRequestsPerConnection?: number;
    maxRetries?: number;
    idleTimeout?: string;
  };
}

export interface OutlierDetection {
  consecutive5xxErrors?: number;
  consecutiveGatewayErrors?: number;
  /** Ignored by Istio since 1.7; kept so the linter can warn about it. */
  consecutiveErrors?: number;
  interval?: string;
  baseEjectionTime?: string;
  maxEjectionPercent?: number;
  minHealthPercent?: number;
}

export interface ClientTlsSettings {
  mode: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
}

export interface TrafficPolicy {
  connectionPool?: ConnectionPoolSettings;
  outlierDetection?: OutlierDetection;
  tls?: ClientTlsSettings;
}

export interface Subset {
  name: string;
  labels?: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
}

export interface DestinationRuleSpec {
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets?: Subset[];
}

// ---- PeerAuthentication ---------------------------------------------------------------

export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PeerAuthenticationSpec {
  selector?: { matchLabels?: Record<string, string> };
  mtls?: { mode?: MtlsMode };
  portLevelMtls?: Record<string, { mode?: MtlsMode }>;
}

// ---- Gateway --------------------------------------------------------------------------

export interface GatewaySpec {
  selector?: Record<string, string>;
  servers: { port: { number: number; name?: string; protocol: string }; hosts: string[] }[];
}

export type VirtualService = ManifestObject<VirtualServiceSpec>;
export type DestinationRule = ManifestObject<DestinationRuleSpec>;
export type PeerAuthentication = ManifestObject<PeerAuthenticationSpec>;
export type Gateway = ManifestObject<GatewaySpec>;

/** The Istio configuration of one stage, grouped by kind. */
export interface IstioConfig {
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  peerAuthentications: PeerAuthentication[];
  gateways: Gateway[];
}

export type MeshProfile = 'istio-1.24+' | 'istio-1.22';
export const MESH_PROFILES: readonly MeshProfile[] = ['istio-1.24+', 'istio-1.22'];

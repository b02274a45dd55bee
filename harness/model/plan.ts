/**
 * What a plan file becomes once loaded and validated. Everything downstream (planner,
 * targets, report) works on these types, never on raw YAML.
 */
import type { SourceLocation } from '../errors/user-error.ts';
import type { IstioConfig, ManifestObject, MeshProfile } from './istio-objects.ts';

export type VantageName = 'in-mesh' | 'external' | 'gateway';
export const VANTAGES: readonly VantageName[] = ['in-mesh', 'external', 'gateway'];

/** How long a request takes inside the sample app, before it answers. */
export type LatencySpec =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'normal'; meanMs: number; stddevMs: number };

/**
 * The sample app's behaviour, read from the Deployment's container env (the same
 * variables the app image reads on a cluster): FAILURE_RATE, FAILURE_STATUS, LATENCY,
 * HANG_RATE, RESET_RATE, SLOW_START.
 */
export interface AppBehaviour {
  /** Probability in [0,1] that a request is answered with `failureStatus`. */
  failureRate: number;
  failureStatus: number;
  latency: LatencySpec;
  /** Probability that the app never answers (the connection stays open). */
  hangRate: number;
  /** Probability that the app resets the connection instead of answering. */
  resetRate: number;
  /** Extra latency during the first N ms after start, fading linearly to 0. */
  slowStart?: { durationMs: number; extraMs: number };
}

export interface WorkloadSpec {
  name: string;
  namespace: string;
  serviceAccount: string;
  /** Pod labels, used by selectors and DestinationRule subsets. */
  labels: Record<string, string>;
  replicas: number;
  /** Service port clients call (80) and the container port it maps to (5000). */
  servicePort: number;
  targetPort: number;
  behaviour: AppBehaviour;
  /** Whether the pods get a sidecar (namespace or pod injection label). */
  sidecar: boolean;
  /**
   * The sidecar's worker threads: `concurrency` in the pod template's `proxy.istio.io/config`
   * annotation. Unset: Istio's default for sidecars, 2.
   */
  proxyConcurrency?: number;
  /** The Deployment and Service objects as read, for a cluster target. */
  objects: ManifestObject[];
  source: SourceLocation;
}

/** Bounds on a fraction, both inclusive. */
export interface RateBounds {
  min?: number;
  max?: number;
}

/** What a plan says must hold for one stage seen from one vantage. */
export interface Expectation {
  /** Fraction of requests k6 counts as failed (`http_req_failed`). */
  errorRate?: RateBounds;
  /** Fraction of requests that got no HTTP answer at all (status 0). */
  networkErrorRate?: RateBounds;
  /** Upper bounds on latency percentiles in ms, e.g. { p95: 200 }. */
  latencyMs?: Partial<Record<'p50' | 'p90' | 'p95' | 'p99' | 'max', number>>;
  source: SourceLocation;
}

export interface ScenarioSettings {
  /** Scenario file name under scenarios/, without extension (`unstable-endpoint`). */
  script: string;
  /** The in-cluster URL every vantage calls (`http://appflaky.retryns.svc.cluster.local/unstable-endpoint`). */
  url: string;
  /** Requests started per second (constant-arrival-rate). */
  rate: number;
  /** k6 duration string, e.g. "10s". */
  duration: string;
  preAllocatedVUs: number;
  maxVUs: number;
  /** Per-request timeout (k6 `timeout` param). */
  requestTimeout: string;
  /** Extra `__ENV` for the scenario. */
  env: Record<string, string>;
  /**
   * Runners the in-mesh load is split over (k6 execution segments, merged into one
   * summary); undefined or 1 is a single runner.
   */
  runners?: number;
}

export interface Stage {
  name: string;
  description?: string;
  /** Manifest files that make up this stage's whole Istio configuration. */
  configFiles: string[];
  /** The complete Istio configuration for this stage: anything not here is removed. */
  config: IstioConfig;
  /** Per-stage overrides of workload behaviour (by workload name). */
  behaviour?: Record<string, Partial<AppBehaviour>>;
  expect: Partial<Record<VantageName, Expectation>>;
  source: SourceLocation;
}

export interface Plan {
  name: string;
  description?: string;
  /** Absolute path of the plan file. */
  file: string;
  /** sha256 of the plan and every manifest it references: what makes two runs comparable. */
  hash: string;
  meshProfile: MeshProfile;
  namespace: string;
  workloads: WorkloadSpec[];
  scenario: ScenarioSettings;
  vantages: VantageName[];
  stages: Stage[];
}

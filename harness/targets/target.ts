/**
 * Where the system under test lives. The orchestrator only talks to this interface; the
 * `local` target drives the embedded mesh and the `kubernetes` target a real cluster.
 */
import type { IstioConfig } from '../istio/types.ts';
import type { AccessLogEntry } from '../mesh/api.ts';
import type { AppBehaviour, Plan, VantageName } from '../plan/types.ts';

export interface VantageEndpoint {
  vantage: VantageName;
  /** URL the load generator calls. For in-mesh this is the in-cluster URL, unchanged. */
  url: string;
  /** Set for in-mesh on the local mesh: the client sidecar, used as HTTP_PROXY. */
  httpProxy?: string;
  /** Extra request headers the vantage needs (e.g. Host for a gateway). */
  headers?: Record<string, string>;
  /** One line for progress output: how traffic gets in. */
  description: string;
}

export interface StageApplication {
  stage: string;
  /** Monotonic config version the proxies must reach. */
  version: number;
}

/** Envoy-named counters per proxy, e.g. proxies["client-sidecar"]["cluster.outbound|80||appflaky.retryns.svc.cluster.local.upstream_rq_retry"]. */
export interface ProxyStats {
  collectedAt: string;
  proxies: Record<string, Record<string, number>>;
  /** Set when stats could not be read (e.g. cluster without the stats annotation). */
  unavailable?: string;
}

export interface Target {
  readonly kind: 'local' | 'kubernetes';
  /** Human-readable description for run.json (cluster/Istio version, mesh profile). */
  describe(): Promise<Record<string, string>>;
  /** Deploy the plan's workloads and remember what to undo. */
  prepare(plan: Plan): Promise<void>;
  /** Replace the Istio configuration with exactly `config`; registers the undo first. */
  applyStage(options: { stage: string; config: IstioConfig; behaviour?: Record<string, Partial<AppBehaviour>> }): Promise<StageApplication>;
  /** Resolves once every proxy serves `application.version`; throws a UserError on timeout. */
  waitForPropagation(application: StageApplication, timeoutMs: number): Promise<void>;
  endpoint(vantage: VantageName, url: string): VantageEndpoint;
  /** Counters since the last reset; `reset` is called before each stage × vantage. */
  readProxyStats(): Promise<ProxyStats>;
  resetProxyStats(): Promise<void>;
  /** Envoy-style access log lines since the last call, when the target can give them. */
  drainAccessLog?(): Promise<AccessLogEntry[]>;
  /** What this target cannot reproduce for the applied config (shown in reports). */
  limitations(): Promise<string[]>;
  /** Put back everything changed (also on failure and Ctrl-C). Idempotent. */
  restore(): Promise<void>;
}

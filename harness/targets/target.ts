/**
 * Where the system under test lives. The orchestrator only talks to this interface; the
 * `local` target drives the embedded mesh and the `kubernetes` target a real cluster.
 */
import type { IstioConfig } from '../model/istio-objects.ts';
import type { Runner } from '../runners/runner.ts';
import type { AccessLogEntry, ProxyStats } from '../model/proxy-observations.ts';
import type { AppBehaviour, Plan, VantageName } from '../model/plan.ts';

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

/** What the run gives a target to prepare with. */
export interface PrepareContext {
  /** The run folder (results/<run-id>): a cluster target keeps its snapshot there. */
  runDir: string;
  /** Aborted on Ctrl-C: long waits (rollouts, load balancer addresses) stop early. */
  signal?: AbortSignal;
}

/** How a target knew the proxies had a stage, for progress output and run.json. */
export interface PropagationInfo {
  /** `config-dump` (observed in the proxies), `settle` (a fixed wait), `local` (the embedded mesh's config version). */
  method: string;
  detail: string;
}

export interface Target {
  readonly kind: 'local' | 'kubernetes';
  /** Human-readable description for run.json (cluster/Istio version, mesh profile). */
  describe(): Promise<Record<string, string>>;
  /** Deploy the plan's workloads and remember what to undo. */
  prepare(plan: Plan, context?: PrepareContext): Promise<void>;
  /** Replace the Istio configuration with exactly `config`; registers the undo first. */
  applyStage(options: { stage: string; config: IstioConfig; behaviour?: Record<string, Partial<AppBehaviour>> }): Promise<StageApplication>;
  /** Resolves once every proxy serves `application.version`; throws a UserError on timeout. */
  waitForPropagation(application: StageApplication, timeoutMs: number): Promise<PropagationInfo | undefined>;
  endpoint(vantage: VantageName, url: string): VantageEndpoint;
  /**
   * Where the load for `vantage` starts. A target that can run it from the harness's
   * machine returns `local` (the engine the user picked); a cluster returns a launcher that
   * starts k6 inside the mesh (a Job or a TestRun) for the in-mesh vantage. Every launcher
   * returns the same k6 summary.
   */
  launcherFor(vantage: VantageName, local: Runner): Runner;
  /** Counters since the last reset; `reset` is called before each stage × vantage. */
  readProxyStats(): Promise<ProxyStats>;
  resetProxyStats(): Promise<void>;
  /** Envoy-style access log lines since the last call, when the target can give them. */
  drainAccessLog?(): Promise<AccessLogEntry[]>;
  /** What this target cannot reproduce for the applied config (shown in reports). */
  limitations(): Promise<string[]>;
  /** What `restore` still has to put back, one line each (printed on a second Ctrl-C). */
  pendingRestore?(): string[];
  /** Put back everything changed (also on failure and Ctrl-C). Idempotent. */
  restore(): Promise<void>;
}

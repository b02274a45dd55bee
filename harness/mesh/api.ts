/**
 * What the local target needs from the embedded mesh. The mesh implements it in
 * `harness/mesh/index.ts` (`startLocalMesh`); nothing in the mesh knows about plans'
 * stages or reports.
 */
import type { AccessLogEntry } from '../model/proxy-observations.ts';
import type { IstioConfig, MeshProfile } from '../model/istio-objects.ts';
import type { AppBehaviour, WorkloadSpec } from '../model/plan.ts';

export interface LocalMeshOptions {
  /** Seeds every random choice (app failures, fault percentages, back-off jitter). */
  seed: number;
  profile: MeshProfile;
  workloads: WorkloadSpec[];
  /**
   * The in-mesh client workload (the load generator's pod) behind `clientProxyUrl`.
   * Default: service account `bench-client` in the first workload's namespace.
   */
  client?: { namespace: string; serviceAccount: string; /** Its sidecar's worker threads (Istio's default 2). */ proxyConcurrency?: number };
  /**
   * How the mesh process uses threads. Default (unset): the client sidecar and gateway on
   * a worker thread, the server sidecars and apps on the main loop, so the one hop between
   * threads is the one between pods, and the client's and the servers' TLS work run in
   * parallel: with a 5 ms per-try timeout, every timeout costs a new mutual-TLS connection,
   * and on one loop those handshakes delayed every other try into a timeout as well
   * (retries-lab at 100 req/s collapsed in 2 of 3 runs on one loop, 0 of 5 this way, also
   * beside a busy process). `single`: everything on one event loop (no thread hop at all).
   * `per-role`: client sidecar + gateway, server sidecars and apps on three threads, for the
   * most throughput (benchmarks, very high request rates); every hop then costs a wake-up.
   */
  threads?: 'single' | 'per-role';
}

export interface LocalMesh {
  /** `http://127.0.0.1:<port>`: the client sidecar, used as HTTP_PROXY by in-mesh load. */
  readonly clientProxyUrl: string;
  /** Where an external caller reaches a workload, as a LoadBalancer Service would deliver it. */
  externalUrl(workload: string, namespace: string): string;
  /** The ingress gateway's address, when the config has a Gateway. */
  gatewayUrl(): string | undefined;
  /** Validates and pushes a whole configuration; returns the new config version. */
  applyConfig(config: IstioConfig, behaviour?: Record<string, Partial<AppBehaviour>>): Promise<number>;
  /** Resolves when every proxy serves `version`; rejects after `timeoutMs`. */
  waitForVersion(version: number, timeoutMs: number): Promise<void>;
  /** Envoy-named counters per proxy name. */
  stats(): Promise<Record<string, Record<string, number>>>;
  resetStats(): Promise<void>;
  /** Access log entries since the last call (then cleared). */
  drainAccessLog(): Promise<AccessLogEntry[]>;
  /** Things the local mesh cannot reproduce for this config (shown in reports). */
  limitations(): string[];
  stop(): Promise<void>;
}

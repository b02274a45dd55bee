/**
 * A real cluster behind the Target interface. prepare: connect, preflight (nothing changes
 * before every check passed), snapshot every object the run will touch, create and label
 * the namespaces, deploy the workloads and wait for their sidecars. applyStage:
 * server-side apply of the stage's objects, removal of what the previous stage declared
 * and this one does not. waitForPropagation: observe the sidecars, or settle. restore:
 * put the snapshot back (also what `bench restore <run-dir>` does after a crash).
 */
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject, type V1Namespace } from '@kubernetes/client-node';
import { isUserError, UserError } from '../../errors/user-error.ts';
import type { IstioConfig } from '../../model/istio-objects.ts';
import type { AppBehaviour, Plan, VantageName } from '../../model/plan.ts';
import type { ProxyStats } from '../../model/proxy-observations.ts';
import type { Runner } from '../../runners/runner.ts';
import { createSplitRunner } from '../../runners/split-runner.ts';
import { rebaseUrl, serviceFromUrl } from '../service-url.ts';
import type { PrepareContext, PropagationInfo, StageApplication, Target, VantageEndpoint } from '../target.ts';
import { apiFailure, isNotFound } from './api-errors.ts';
import { FIELD_MANAGER, applyObjects } from './apply-objects.ts';
import { withBehaviour } from './behaviour-env.ts';
import { type ClusterConnection, type ConnectOptions, connect, describeConnection } from './connect.ts';
import { companionLoadBalancer, waitForServiceAddress } from './external-address.ts';
import { INJECTION_LABEL, REVISION_LABEL, type InjectionChoice } from './injection.ts';
import { INGRESS_GATEWAY_SERVICES, nativeSidecars } from './istio-install.ts';
import { createK6JobLauncher } from './k6-job-launcher.ts';
import { fallbackNotice, k6OperatorServed } from './k6-operator.ts';
import { createTestRunLauncher } from './test-run-launcher.ts';
import { type KubeObject, type ObjectRef, describeRef, refOf, userFields } from './object-ref.ts';
import { type PreflightResult, preflight } from './preflight.ts';
import { waitForPropagation } from './propagation.ts';
import { counterDelta, envoyCounters, readPodCounters, sumCounters } from './proxy-stats.ts';
import { restoreSnapshot } from './restore-snapshot.ts';
import { expectedRoutePolicy, routeTargetOf } from './route-policy.ts';
import { Snapshot } from './snapshot.ts';
import { changesBeyondRoutes, stageObjects, undeclared } from './stage-objects.ts';
import { isReady, listPods, sidecarKind, sleep } from './pods.ts';
import { waitForRollout, workloadNamespaces, workloadObjects } from './workloads.ts';

/** How long a plan's namespace that is being deleted may take to go before the run gives up. */
const NAMESPACE_DELETION_WAIT_MS = 180_000;

export interface TargetLog {
  info(line: string): void;
  warn(line: string): void;
}

export interface KubernetesTargetOptions {
  connect: ConnectOptions;
  injection: InjectionChoice;
  /** Leave created namespaces and workloads in place (Istio config is still put back). */
  keep: boolean;
  /** The vantages the run will use: only their addresses and permissions are needed. */
  vantages: VantageName[];
  externalUrl?: string;
  /** Replaces the sample app image of the workload files. */
  appImage?: string;
  k6Image?: string;
  log: TargetLog;
  rolloutTimeoutMs?: number;
  /** Settle time when the sidecars cannot be observed (default 10 s). */
  settleMs?: number;
  /** Settle time after an observed route for changes a route does not show (default 5 s). */
  unobservedSettleMs?: number;
  addressTimeoutMs?: number;
}

export class KubernetesTarget implements Target {
  readonly kind = 'kubernetes' as const;
  private connection: ClusterConnection | undefined;
  private checks: PreflightResult | undefined;
  /** How this run splits in-mesh load, decided at its first split cell (an API discovery call and one notice, not one per cell). */
  private splitMethod: Promise<'test-run' | 'jobs'> | undefined;
  private snapshot: Snapshot | undefined;
  private plan: Plan | undefined;
  private signal: AbortSignal | undefined;
  private workloads: KubeObject[] = [];
  private appliedWorkloads = '';
  private appliedStage: KubeObject[] = [];
  private stageConfig: IstioConfig | undefined;
  private version = 0;
  private externalBase: string | undefined;
  private gatewayBase: string | undefined;
  private serverCountersBefore = new Map<string, Record<string, number>>();
  /** Counters of each k6 pod's sidecar in this cell (one per runner of a split run). */
  private clientStats: string[] = [];
  /** Why this cell has no client-sidecar counters although the server sidecars' were read. */
  private clientStatsMissing: string | undefined;
  private statsUnavailable: string | undefined;
  private readonly notes: string[] = [];
  private readonly description: Record<string, string> = { target: 'kubernetes' };

  constructor(private readonly options: KubernetesTargetOptions) {}

  async describe(): Promise<Record<string, string>> {
    return { ...this.description };
  }

  async prepare(plan: Plan, context?: PrepareContext): Promise<void> {
    const log = this.options.log;
    this.plan = plan;
    this.signal = context?.signal;
    const connection = connect(this.options.connect);
    this.connection = connection;
    Object.assign(this.description, describeConnection(connection));
    connection.kc.onOutage = (message) => log.warn(message);
    log.info(`cluster: context ${connection.context}, server ${this.description.server} (from ${connection.source})`);

    const checks = await preflight({ connection, plan, vantages: this.options.vantages, injection: this.options.injection, keep: this.options.keep });
    this.checks = checks;
    const istio = checks.istiod ? `${checks.istiod.version ?? 'unknown version'} (${checks.istiod.namespace}/${checks.istiod.name}${checks.istiod.revision ? `, revision ${checks.istiod.revision}` : ''})` : 'unknown (istiod not found or not readable)';
    const native = nativeSidecars({ istiod: checks.istiod, kubernetesMinor: checks.kubernetesMinor });
    Object.assign(this.description, { kubernetes: checks.kubernetesVersion, istio, injection: checks.injection.reason, nativeSidecars: String(native) });
    log.info(`Kubernetes ${checks.kubernetesVersion}, Istio ${istio}; injection ${checks.injection.reason}`);
    for (const note of checks.notes) log.warn(note);
    this.notes.push(...checks.notes);
    if (!checks.can.podProxy) this.statsUnavailable = 'not measured, because the user may not get pods/proxy (port 15020 of the sidecars)';

    if (!context?.runDir) throw new Error('the kubernetes target needs the run folder for its snapshot');
    this.snapshot = Snapshot.create(context.runDir, {
      cluster: { context: connection.context, server: this.description.server },
      fieldManager: FIELD_MANAGER,
      keep: this.options.keep,
    });
    this.workloads = workloadObjects(plan, { appImage: this.options.appImage });
    const namespaces = workloadNamespaces(plan);
    const external = await this.externalPlan(plan);
    const everything: KubeObject[] = [
      ...namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as KubeObject),
      ...this.workloads,
      ...plan.stages.flatMap((s) => stageObjects(s.config)),
      ...(external ? [external] : []),
    ];
    for (const name of namespaces) await this.awaitNamespaceDeletion(name);
    for (const object of everything) {
      // Stages repeat objects (the same PeerAuthentication in several): read each once.
      if (!this.snapshot.find(refOf(object))) this.snapshot.record(refOf(object), await this.readCurrent(refOf(object)));
    }
    await this.snapshot.save();
    log.info(`snapshot of ${this.snapshot.data.entries.length} object(s) the run may touch: ${this.snapshot.path}`);

    for (const name of namespaces) await this.prepareNamespace(name, plan);
    await this.applyWorkloads(this.workloads, undefined);
    if (this.signal?.aborted) return;
    log.info(`workloads rolled out with sidecars: ${this.workloads.filter((o) => o.kind === 'Deployment').map((o) => describeRef(refOf(o))).join(', ')}`);
    await this.resolveAddresses(plan, external);
  }

  launcherFor(vantage: VantageName, local: Runner): Runner {
    if (vantage !== 'in-mesh') return local;
    const plan = this.requirePlan();
    const snapshot = this.requireSnapshot();
    const kc = this.requireConnection().kc;
    const nativeSidecar = this.description.nativeSidecars === 'true';
    const hooks = {
      beforeCreate: async (object: KubeObject) => {
        snapshot.record(refOf(object), undefined, { transient: true });
        await snapshot.touch(refOf(object));
      },
      afterDelete: async (object: KubeObject) => {
        const entry = snapshot.find(refOf(object));
        if (entry) entry.state = 'deleted';
        await snapshot.save();
      },
    };
    const jobs = createK6JobLauncher({
      kc,
      namespace: plan.namespace,
      nativeSidecar,
      image: this.options.k6Image,
      ...hooks,
      canResume: this.mayResumePausedK6(),
      onClientStats: (text) => {
        if (text) this.clientStats.push(text);
      },
    });
    // Split load: a TestRun when the k6-operator is installed, else N Jobs with segments.
    const distribute = (runners: number): Runner => ({
      name: jobs.name,
      version: () => jobs.version(),
      run: async (request) => {
        this.splitMethod ??= this.chooseSplitMethod(runners);
        if ((await this.splitMethod) === 'jobs') return createSplitRunner(jobs, runners).run(request);
        this.options.log.info(`in-mesh load: a k6-operator TestRun with ${runners} runners`);
        this.clientStatsMissing = "not measured, because the k6-operator's runner pods end their sidecars with the run, before the client sidecars' counters (retries, per-try timeouts) can be read";
        return createTestRunLauncher({ kc, namespace: plan.namespace, runners, nativeSidecar, image: this.options.k6Image, ...hooks }).run(request);
      },
    });
    return { ...jobs, distribute };
  }

  /** k6's REST API through pods/proxy (get the status, patch it to resume): what starting Jobs paused needs. */
  private mayResumePausedK6(): boolean {
    return Boolean(this.checks?.can.podProxy && this.checks.can.podProxyPatch);
  }

  /** A TestRun when the k6-operator is served and the user may use it, else N Jobs (said once). */
  private async chooseSplitMethod(runners: number): Promise<'test-run' | 'jobs'> {
    const served = await k6OperatorServed(this.requireConnection().kc);
    if (served && this.checks?.can.testRuns) return 'test-run';
    this.options.log.warn(fallbackNotice(runners, served ? 'not-permitted' : 'absent'));
    if (!this.mayResumePausedK6()) {
      this.options.log.warn("the Jobs start their load as their pods come up, not together: starting them paused needs get and patch on pods/proxy (k6's REST API on port 6565), which the user may not");
    }
    return 'jobs';
  }

  async applyStage(options: { stage: string; config: IstioConfig; behaviour?: Record<string, Partial<AppBehaviour>> }): Promise<StageApplication> {
    const plan = this.requirePlan();
    const kc = this.requireConnection().kc;
    const snapshot = this.requireSnapshot();
    const objects = stageObjects(options.config);
    await applyObjects({ kc, objects, stage: options.stage, beforeChange: (object) => snapshot.touch(refOf(object)) });
    const removed = undeclared(this.appliedStage, objects);
    if (removed.length > 0) {
      const keys = new Set(removed.map((ref) => describeRef(ref)));
      const only = new Set(snapshot.data.entries.filter((e) => keys.has(describeRef(e.ref))));
      const report = await restoreSnapshot(kc, snapshot, { keep: false, only: (entry) => only.has(entry) });
      if (report.failures.length > 0 || report.conflicts.length > 0) {
        throw new UserError({ code: 'STAGE_CLEANUP_FAILED', message: `could not remove the previous stage's ${[...keys].join(', ')}: ${[...report.failures, ...report.conflicts].join('; ')}`, fix: 'check permissions and whether another tool manages these objects', stage: options.stage });
      }
      this.options.log.info(`    removed what this stage does not declare: ${[...keys].join(', ')}`);
    }
    this.unobservedChange = changesBeyondRoutes(this.appliedStage, objects);
    this.appliedStage = objects;
    this.stageConfig = options.config;
    await this.applyWorkloads(withBehaviour(this.workloads, plan.workloads, options.behaviour), options.stage);
    this.version += 1;
    return { stage: options.stage, version: this.version };
  }

  private unobservedChange = false;

  async waitForPropagation(application: StageApplication, timeoutMs: number): Promise<PropagationInfo> {
    const plan = this.requirePlan();
    const service = serviceFromUrl(plan.scenario.url, plan.namespace);
    const workload = plan.workloads.find((w) => w.name === service.name && w.namespace === service.namespace) ?? plan.workloads.find((w) => w.namespace === service.namespace);
    const target = routeTargetOf(plan.scenario.url, plan.namespace);
    const result = await waitForPropagation({
      kc: this.requireConnection().kc,
      stage: application.stage,
      namespace: workload?.namespace ?? plan.namespace,
      podLabels: workload?.labels ?? {},
      target,
      expected: expectedRoutePolicy({ config: this.stageConfig ?? emptyConfig(), target, profile: plan.meshProfile }),
      canExec: this.checks?.can.exec ?? false,
      settleMs: this.options.settleMs ?? 10_000,
      unobservedSettleMs: this.unobservedChange ? (this.options.unobservedSettleMs ?? 5_000) : 0,
      timeoutMs,
      signal: this.signal,
    });
    return { method: result.method, detail: result.detail };
  }

  endpoint(vantage: VantageName, url: string): VantageEndpoint {
    const plan = this.requirePlan();
    if (vantage === 'in-mesh') return { vantage, url, description: `k6 Job in namespace ${plan.namespace}, through its own sidecar` };
    if (vantage === 'external') {
      if (!this.externalBase) throw new Error('external address not resolved in prepare()');
      return { vantage, url: rebaseUrl(url, this.externalBase), description: `from this machine to ${this.externalBase} (no client sidecar)` };
    }
    if (!this.gatewayBase) throw new Error('gateway address not resolved in prepare()');
    return { vantage, url: rebaseUrl(url, this.gatewayBase), headers: { Host: new URL(url).host }, description: `ingress gateway ${this.gatewayBase} with Host ${new URL(url).host}` };
  }

  async resetProxyStats(): Promise<void> {
    this.clientStats = [];
    this.clientStatsMissing = undefined;
    this.serverCountersBefore = this.statsUnavailable ? new Map() : await this.readServerCounters();
  }

  async readProxyStats(): Promise<ProxyStats> {
    const collectedAt = new Date().toISOString();
    if (this.statsUnavailable) return { collectedAt, proxies: {}, unavailable: this.statsUnavailable };
    // Server counters alone would read as "no retries": the retries happen in the client sidecar.
    if (this.clientStatsMissing) return { collectedAt, proxies: {}, unavailable: this.clientStatsMissing };
    const proxies: Record<string, Record<string, number>> = {};
    const after = await this.readServerCounters();
    for (const [pod, counters] of after) proxies[pod] = counterDelta(counters, this.serverCountersBefore.get(pod) ?? {});
    // Each k6 pod is new for the cell, so its counters start at zero; a split run's pods add up.
    if (this.clientStats.length > 0) proxies['client-sidecar'] = sumCounters(this.clientStats.map(envoyCounters));
    if (Object.keys(proxies).length === 0) return { collectedAt, proxies, unavailable: 'not measured, because no sidecar answered on port 15020 through the API server' };
    return { collectedAt, proxies };
  }

  async limitations(): Promise<string[]> {
    return [...this.notes];
  }

  /** What restore still has to do (for the second Ctrl-C). */
  pendingRestore(): string[] {
    return this.snapshot?.remaining() ?? [];
  }

  async restore(): Promise<void> {
    const snapshot = this.snapshot;
    const connection = this.connection;
    if (!snapshot || !connection) return;
    const report = await restoreSnapshot(connection.kc, snapshot);
    const log = this.options.log;
    if (report.restored.length) log.info(`put back: ${report.restored.join(', ')}`);
    if (report.deleted.length) log.info(`deleted what the run created: ${report.deleted.join(', ')}`);
    if (report.kept.length) log.info(`kept (--keep): ${report.kept.join(', ')}`);
    for (const conflict of report.conflicts) log.warn(conflict);
    if (report.failures.length > 0) throw new Error(`${report.failures.join('; ')} (run bench restore ${snapshot.path.replace(/\/snapshot\.json$/, '')} to retry)`);
  }

  // ---------------------------------------------------------------------------------

  private async readCurrent(ref: ObjectRef): Promise<KubeObject | undefined> {
    const api = KubernetesObjectApi.makeApiClient(this.requireConnection().kc);
    try {
      return userFields(await api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      if (isUserError(error)) throw error;
      throw new UserError({ code: 'CLUSTER_REQUEST_FAILED', message: `could not read ${describeRef(ref)} for the snapshot: ${apiFailure(error).message}`, fix: 'nothing was changed; check the cluster and run again' });
    }
  }

  /**
   * A namespace being deleted takes no new objects, and the snapshot must not record it as
   * there to put back: wait until it is gone. The run before this one deleted the namespace
   * it created without waiting (a nightly job may start the next run at once), or someone
   * else is deleting it.
   */
  private async awaitNamespaceDeletion(name: string): Promise<void> {
    const core = this.requireConnection().kc.makeApiClient(CoreV1Api);
    const deadline = Date.now() + NAMESPACE_DELETION_WAIT_MS;
    let said = false;
    for (;;) {
      let namespace: V1Namespace;
      try {
        namespace = await core.readNamespace({ name });
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
      if (!namespace.metadata?.deletionTimestamp) return;
      if (!said) this.options.log.info(`namespace ${name} is being deleted; waiting for it to go before the snapshot`);
      said = true;
      if (Date.now() > deadline) {
        throw new UserError({ code: 'NAMESPACE_TERMINATING', message: `namespace ${name} is still being deleted after ${NAMESPACE_DELETION_WAIT_MS / 1000} s`, fix: `see what holds it (kubectl get namespace ${name} -o yaml: finalizers, remaining objects) and run again once it is gone` });
      }
      await sleep(1000, this.signal);
      if (this.signal?.aborted) return;
    }
  }

  private async prepareNamespace(name: string, plan: Plan): Promise<void> {
    const snapshot = this.requireSnapshot();
    const api = KubernetesObjectApi.makeApiClient(this.requireConnection().kc);
    const ref: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name };
    const wanted = this.checks?.injection.labels ?? {};
    const before = snapshot.find(ref)?.before;
    await snapshot.touch(ref);
    if (!before) {
      const fileLabels = plan.workloads.flatMap((w) => w.objects).find((o) => o.kind === 'Namespace' && o.metadata.name === name)?.metadata.labels ?? {};
      const labels: Record<string, string> = { ...fileLabels };
      delete labels[INJECTION_LABEL];
      delete labels[REVISION_LABEL];
      for (const [key, value] of Object.entries(wanted)) if (value !== null) labels[key] = value;
      await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } as KubernetesObject, undefined, undefined, FIELD_MANAGER);
      this.options.log.info(`created namespace ${name} (${labelText(labels)})`);
      return;
    }
    const current = before.metadata.labels ?? {};
    const patch = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => (value === null ? key in current : current[key] !== value)));
    if (Object.keys(patch).length === 0) return;
    await api.patch({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: patch } } as never, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
    this.options.log.info(`labelled namespace ${name} for injection (${labelText(patch)}); its labels are put back at the end`);
  }

  private async applyWorkloads(objects: KubeObject[], stage: string | undefined): Promise<void> {
    const text = JSON.stringify(objects);
    if (text === this.appliedWorkloads) return;
    const snapshot = this.requireSnapshot();
    await applyObjects({ kc: this.requireConnection().kc, objects, stage, beforeChange: (object) => snapshot.touch(refOf(object)) });
    this.appliedWorkloads = text;
    await waitForRollout({ kc: this.requireConnection().kc, deployments: objects.filter((o) => o.kind === 'Deployment'), timeoutMs: this.options.rolloutTimeoutMs ?? 300_000, signal: this.signal });
  }

  /** The companion LoadBalancer Service the external vantage needs, when the scenario's Service is ClusterIP-only. */
  private async externalPlan(plan: Plan): Promise<KubeObject | undefined> {
    if (!this.options.vantages.includes('external') || this.options.externalUrl) return undefined;
    const service = serviceFromUrl(plan.scenario.url, plan.namespace);
    const object = this.workloads.find((o) => o.kind === 'Service' && o.metadata.name === service.name && o.metadata.namespace === service.namespace);
    const type = (object?.spec as { type?: string } | undefined)?.type ?? 'ClusterIP';
    if (!object || type !== 'ClusterIP') return undefined;
    return companionLoadBalancer(object as never);
  }

  private async resolveAddresses(plan: Plan, companion: KubeObject | undefined): Promise<void> {
    const kc = this.requireConnection().kc;
    const service = serviceFromUrl(plan.scenario.url, plan.namespace);
    const common = { kc, canListNodes: this.checks?.can.listNodes ?? false, timeoutMs: this.options.addressTimeoutMs ?? 300_000, signal: this.signal };
    if (this.options.vantages.includes('external')) {
      if (this.options.externalUrl) {
        this.externalBase = this.options.externalUrl;
      } else {
        if (companion) {
          await applyObjects({ kc, objects: [companion], beforeChange: (object) => this.requireSnapshot().touch(refOf(object)) });
          this.options.log.info(`created LoadBalancer Service ${describeRef(refOf(companion))} for the external vantage (removed at the end)`);
        }
        const name = companion?.metadata.name ?? service.name;
        this.externalBase = await waitForServiceAddress({ ...common, namespace: service.namespace, name, port: service.port, purpose: 'external vantage' });
      }
      this.options.log.info(`external vantage enters at ${this.externalBase}`);
    }
    if (this.options.vantages.includes('gateway')) {
      const core = kc.makeApiClient(CoreV1Api);
      for (const candidate of INGRESS_GATEWAY_SERVICES) {
        try {
          await core.readNamespacedService(candidate);
        } catch (error) {
          if (isNotFound(error) || apiFailure(error).status === 403) continue;
          throw error;
        }
        this.gatewayBase = await waitForServiceAddress({ ...common, namespace: candidate.namespace, name: candidate.name, port: 80, purpose: 'gateway vantage' });
        this.options.log.info(`gateway vantage enters at ${this.gatewayBase} (${candidate.namespace}/${candidate.name})`);
        break;
      }
      if (!this.gatewayBase) {
        throw new UserError({
          code: 'GATEWAY_SERVICE_MISSING',
          message: `no ingress gateway Service found (looked for ${INGRESS_GATEWAY_SERVICES.map((s) => `${s.namespace}/${s.name}`).join(', ')})`,
          fix: 'enable an ingress gateway (AKS: az aks mesh enable-ingress-gateway --ingress-gateway-type external), or drop the gateway vantage',
        });
      }
    }
  }

  private async readServerCounters(): Promise<Map<string, Record<string, number>>> {
    const plan = this.requirePlan();
    const kc = this.requireConnection().kc;
    const counters = new Map<string, Record<string, number>>();
    for (const workload of plan.workloads) {
      const pods = (await listPods(kc, workload.namespace, workload.labels)).filter((p) => isReady(p) && sidecarKind(p));
      for (const pod of pods) {
        const name = pod.metadata?.name ?? '';
        try {
          counters.set(`${workload.namespace}/${name}`, await readPodCounters(kc, workload.namespace, name));
        } catch (error) {
          this.options.log.warn(`proxy counters of ${workload.namespace}/${name} not read: ${apiFailure(error).message}`);
        }
      }
    }
    return counters;
  }

  private requirePlan(): Plan {
    if (!this.plan) throw new Error('kubernetes target used before prepare()');
    return this.plan;
  }

  private requireConnection(): ClusterConnection {
    if (!this.connection) throw new Error('kubernetes target used before prepare()');
    return this.connection;
  }

  private requireSnapshot(): Snapshot {
    if (!this.snapshot) throw new Error('kubernetes target used before prepare()');
    return this.snapshot;
  }
}

function emptyConfig(): IstioConfig {
  return { virtualServices: [], destinationRules: [], peerAuthentications: [], gateways: [] };
}

function labelText(labels: Record<string, string | null>): string {
  return Object.entries(labels)
    .map(([k, v]) => (v === null ? `-${k}` : `${k}=${v}`))
    .join(', ');
}

/**
 * The embedded local mesh behind the Target interface, so the orchestrator drives it the
 * same way it drives a cluster. The mesh is started by `prepare` and stopped by
 * `restore`: on the local target, restoring means nothing of the run outlives it.
 */
import { UserError } from '../../errors/user-error.ts';
import { startLocalMesh } from '../../mesh/index.ts';
import type { IstioConfig, MeshProfile } from '../../model/istio-objects.ts';
import type { LocalMesh } from '../../mesh/api.ts';
import type { AppBehaviour, Plan, VantageName } from '../../model/plan.ts';
import type { StageApplication, Target, VantageEndpoint } from '../target.ts';
import { rebaseUrl, serviceFromUrl } from '../service-url.ts';
import type { AccessLogEntry, ProxyStats } from '../../model/proxy-observations.ts';
import type { Runner } from '../../runners/runner.ts';

export interface LocalTargetOptions {
  seed: number;
  /** Overrides the plan's mesh profile. */
  profile?: MeshProfile;
}

export class LocalTarget implements Target {
  readonly kind = 'local' as const;
  private mesh: LocalMesh | undefined;
  private namespace = 'default';
  private profile: MeshProfile | undefined;

  constructor(private readonly options: LocalTargetOptions) {}

  async describe(): Promise<Record<string, string>> {
    return { target: 'local', meshProfile: this.profile ?? 'unset', seed: String(this.options.seed) };
  }

  async prepare(plan: Plan): Promise<void> {
    this.namespace = plan.namespace;
    this.profile = this.options.profile ?? plan.meshProfile;
    this.mesh = await startLocalMesh({ seed: this.options.seed, profile: this.profile, workloads: plan.workloads });
  }

  /** Every vantage's load starts on this machine: in-mesh load reaches the client sidecar as HTTP_PROXY. */
  launcherFor(_vantage: VantageName, local: Runner): Runner {
    return local;
  }

  async applyStage(options: { stage: string; config: IstioConfig; behaviour?: Record<string, Partial<AppBehaviour>> }): Promise<StageApplication> {
    const version = await this.requireMesh().applyConfig(options.config, options.behaviour);
    return { stage: options.stage, version };
  }

  async waitForPropagation(application: StageApplication, timeoutMs: number): Promise<undefined> {
    try {
      await this.requireMesh().waitForVersion(application.version, timeoutMs);
    } catch (error) {
      // The mesh says which proxy lags and why; the run adds which stage it was.
      if (error instanceof UserError) throw new UserError({ code: error.code, message: error.message, fix: error.fix, stage: application.stage });
      throw error;
    }
    return undefined;
  }

  endpoint(vantage: VantageName, url: string): VantageEndpoint {
    const mesh = this.requireMesh();
    const service = serviceFromUrl(url, this.namespace);
    if (vantage === 'in-mesh') {
      return { vantage, url, httpProxy: mesh.clientProxyUrl, description: `client sidecar ${mesh.clientProxyUrl} → mTLS → ${service.name} sidecar` };
    }
    if (vantage === 'external') {
      const base = mesh.externalUrl(service.name, service.namespace);
      return { vantage, url: rebaseUrl(url, base), description: `plaintext to ${service.name}'s load balancer ${base} (no client sidecar)` };
    }
    const gateway = mesh.gatewayUrl();
    if (!gateway) {
      throw new UserError({ code: 'NO_GATEWAY', message: 'the gateway vantage needs a Gateway object in the stage config', fix: 'add a Gateway manifest to the stage, or drop the gateway vantage', vantage });
    }
    return { vantage, url: rebaseUrl(url, gateway), headers: { Host: new URL(url).host }, description: `ingress gateway ${gateway}` };
  }

  async readProxyStats(): Promise<ProxyStats> {
    return { collectedAt: new Date().toISOString(), proxies: await this.requireMesh().stats() };
  }

  async resetProxyStats(): Promise<void> {
    await this.requireMesh().resetStats();
  }

  async drainAccessLog(): Promise<AccessLogEntry[]> {
    return this.requireMesh().drainAccessLog();
  }

  async limitations(): Promise<string[]> {
    return this.mesh ? this.mesh.limitations() : [];
  }

  async restore(): Promise<void> {
    const mesh = this.mesh;
    this.mesh = undefined;
    await mesh?.stop();
  }

  private requireMesh(): LocalMesh {
    if (!this.mesh) throw new Error('local target used before prepare() or after restore()');
    return this.mesh;
  }
}

/**
 * Istio's data plane for the simulated cluster: the local mesh, programmed from what the
 * API server holds. Workloads (Deployments and the Services selecting them, in namespaces
 * labelled for injection) go through the same reader the plan loader uses, so the sample
 * app behaves as the pod template's env says; VirtualServices, DestinationRules,
 * PeerAuthentications and Gateways become the mesh's configuration. A change of the
 * workloads' shape (names, replicas, labels, ports) starts a new mesh; a change of the
 * Istio objects or of the apps' env is pushed to the running one, as istiod pushes to
 * proxies.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { startLocalMesh, type LocalMesh } from '../../../harness/mesh/index.ts';
import type { IstioConfig, ManifestObject, MeshProfile } from '../../../harness/model/istio-objects.ts';
import type { AppBehaviour, WorkloadSpec } from '../../../harness/model/plan.ts';
import { buildWorkloads } from '../../../harness/plan/workloads.ts';

export interface ClusterObjects {
  namespaces: KubernetesObject[];
  deployments: KubernetesObject[];
  services: KubernetesObject[];
  istio: KubernetesObject[];
}

const ISTIO_GROUPS: Record<string, keyof IstioConfig> = {
  VirtualService: 'virtualServices',
  DestinationRule: 'destinationRules',
  PeerAuthentication: 'peerAuthentications',
  Gateway: 'gateways',
};

function asManifest(object: KubernetesObject): ManifestObject {
  const { metadata, ...rest } = object as KubernetesObject & { spec?: Record<string, unknown> };
  return {
    ...(rest as { apiVersion: string; kind: string }),
    metadata: { name: metadata?.name ?? '', namespace: metadata?.namespace, labels: metadata?.labels, annotations: metadata?.annotations },
    spec: rest.spec ?? {},
    source: { file: `cluster:${object.kind}/${metadata?.namespace ?? ''}/${metadata?.name}` },
  } as ManifestObject;
}

function byAge(a: KubernetesObject, b: KubernetesObject): number {
  return String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? '')) || String(a.metadata?.name).localeCompare(String(b.metadata?.name));
}

/** The Istio objects as one configuration, oldest first (the order "oldest wins" reads). */
export function istioConfigOf(objects: KubernetesObject[]): IstioConfig {
  const config: IstioConfig = { virtualServices: [], destinationRules: [], peerAuthentications: [], gateways: [] };
  for (const object of [...objects].sort(byAge)) {
    const group = ISTIO_GROUPS[object.kind ?? ''];
    if (group) (config[group] as ManifestObject[]).push(asManifest(object));
  }
  return config;
}

/** Workloads the mesh runs: Deployments with at least one replica, with their Services. */
export function workloadsOf(objects: ClusterObjects): WorkloadSpec[] {
  const manifests = [
    ...objects.namespaces.map(({ apiVersion, kind, metadata }) => asManifest({ apiVersion, kind, metadata })),
    ...objects.deployments.filter((d) => ((d as { spec?: { replicas?: number } }).spec?.replicas ?? 1) > 0).map(asManifest),
    ...objects.services.filter((s) => (s as { spec?: { type?: string } }).spec?.type !== 'LoadBalancer' || !s.metadata?.labels?.['app.kubernetes.io/managed-by']).map(asManifest),
  ];
  return buildWorkloads(manifests).workloads;
}

function shape(workloads: WorkloadSpec[]): string {
  return JSON.stringify(workloads.map(({ behaviour: _behaviour, objects: _objects, source: _source, ...rest }) => rest));
}

export class MeshBridge {
  private mesh: LocalMesh | undefined;
  private workloads: WorkloadSpec[] = [];
  private shapeKey = '[]';
  private configKey = '';
  private version = 0;

  constructor(private readonly options: { seed: number; profile: MeshProfile; log: (line: string) => void }) {}

  get current(): LocalMesh | undefined {
    return this.mesh;
  }

  get currentWorkloads(): readonly WorkloadSpec[] {
    return this.workloads;
  }

  /** Brings the mesh in line with the objects; returns the configuration version it serves. */
  async sync(objects: ClusterObjects): Promise<void> {
    const workloads = workloadsOf(objects);
    const key = shape(workloads);
    if (key !== this.shapeKey) {
      await this.stop();
      this.shapeKey = key;
      this.workloads = workloads;
      if (workloads.length > 0) {
        this.mesh = await startLocalMesh({ seed: this.options.seed, profile: this.options.profile, workloads });
        this.options.log(`mesh started for ${workloads.map((w) => `${w.namespace}/${w.name}×${w.replicas}`).join(', ')}`);
      }
    }
    if (!this.mesh) return;
    const config = istioConfigOf(objects.istio);
    const behaviour: Record<string, Partial<AppBehaviour>> = Object.fromEntries(workloads.map((w) => [w.name, w.behaviour]));
    const configKey = JSON.stringify([config, behaviour]);
    if (configKey === this.configKey) return;
    this.version = await this.mesh.applyConfig(config, behaviour);
    await this.mesh.waitForVersion(this.version, 30_000);
    this.configKey = configKey;
    this.options.log(`mesh config v${this.version}: ${objects.istio.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ') || 'no Istio objects'}`);
  }

  async stop(): Promise<void> {
    const mesh = this.mesh;
    this.mesh = undefined;
    this.configKey = '';
    this.shapeKey = '[]';
    this.workloads = [];
    await mesh?.stop();
  }
}

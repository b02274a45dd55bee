/**
 * `npm run mesh`: the local mesh in the foreground with one configuration, for poking at
 * it by hand. Prints how to reach each vantage (with curl lines), then waits for Ctrl-C
 * (or `signal`) and stops the mesh before resolving.
 */
import type { IstioConfig } from '../../model/istio-objects.ts';
import type { AppBehaviour } from '../../model/plan.ts';
import type { LocalMeshOptions } from '../api.ts';
import { startLocalMesh } from '../index.ts';

const PROPAGATION_TIMEOUT_MS = 10_000;

export interface MeshForegroundOptions extends LocalMeshOptions {
  config: IstioConfig;
  log: (line: string) => void;
  /** Per-workload behaviour overrides (a stage's `behaviour`). */
  behaviour?: Record<string, Partial<AppBehaviour>>;
  /** The in-cluster URL the scenario calls, used in the curl examples. */
  url?: string;
  /** Stops the mesh when aborted (besides SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

export async function runMeshForeground(options: MeshForegroundOptions): Promise<void> {
  const { config, log, behaviour, signal, url: scenarioUrl, ...meshOptions } = options;
  const mesh = await startLocalMesh(meshOptions);
  try {
    const version = await mesh.applyConfig(config, behaviour);
    await mesh.waitForVersion(version, PROPAGATION_TIMEOUT_MS);
    const first = meshOptions.workloads[0];
    const url = new URL(scenarioUrl ?? `http://${first.name}.${first.namespace}.svc.cluster.local/unstable-endpoint`);
    const path = `${url.pathname}${url.search}`;
    log(`mesh up (config version ${version}, profile ${meshOptions.profile}, seed ${meshOptions.seed})`);
    log(`in-mesh   HTTP proxy ${mesh.clientProxyUrl} (the client sidecar)`);
    log(`          curl -x ${mesh.clientProxyUrl} ${url.href}`);
    for (const w of meshOptions.workloads) {
      const external = mesh.externalUrl(w.name, w.namespace);
      log(`external  ${w.namespace}/${w.name}: ${external} (plaintext, as a LoadBalancer delivers it)`);
      log(`          curl ${external}${path}`);
    }
    const gatewayUrl = mesh.gatewayUrl();
    if (gatewayUrl) {
      const host = config.gateways[0]?.spec.servers[0]?.hosts[0]?.replace(/^.*\//, '') ?? '*';
      log(`gateway   ${gatewayUrl} (ingress gateway)`);
      log(`          curl -H 'Host: ${host === '*' ? url.host : host}' ${gatewayUrl}${path}`);
    }
    for (const limitation of mesh.limitations()) log(`note      ${limitation}`);
    log('Ctrl-C stops the mesh');
    await new Promise<void>((resolve) => {
      const done = () => {
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
      if (signal?.aborted) done();
      else signal?.addEventListener('abort', done, { once: true });
    });
    log('stopping the mesh');
  } finally {
    await mesh.stop();
  }
}

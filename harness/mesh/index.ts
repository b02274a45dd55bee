/**
 * `startLocalMesh`: runs the embedded mesh in a child process (so proxies and apps never
 * share the load generator's event loop) and returns an async handle to it. The child
 * shuts down when `stop()` is called, when the parent exits, and when the IPC channel
 * drops (parent killed), so no process or port outlives the run.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UserError, UserErrors } from '../errors/user-error.ts';
import type { IstioConfig } from '../model/istio-objects.ts';
import type { AppBehaviour } from '../model/plan.ts';
import type { LocalMesh, LocalMeshOptions } from './api.ts';
import type { MeshReplyMessage, MeshRequest, SerializedError } from './process/ipc-protocol.ts';
import { meshLimitations } from './control-plane/limitations.ts';
import type { MeshAddresses } from './process/mesh-runtime.ts';
import type { AccessLogEntry } from '../model/proxy-observations.ts';
import { bundledEntry } from '../util/bundled-entry.ts';
import { WORKER_BUNDLES_ENV } from './process/ts-worker.ts';

export type { LocalMesh, LocalMeshOptions } from './api.ts';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/** Any request but waitForVersion should answer quickly; this only guards against a wedged child. */
const REQUEST_TIMEOUT_MS = 60_000;

function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

function revive(error: SerializedError): Error {
  if (error.errors) return new UserErrors(error.errors.map((e) => revive(e) as UserError));
  if (error.userError && error.code) return new UserError({ code: error.code, message: error.message, fix: error.fix, location: error.location });
  const revived = new Error(`mesh process: ${error.message}`);
  if (error.stack) revived.stack = `${revived.message}\n--- in the mesh process ---\n${error.stack}`;
  return revived;
}

class RemoteLocalMesh implements LocalMesh {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer?: NodeJS.Timeout }>();
  private addresses!: MeshAddresses;
  private config?: IstioConfig;
  private exited = false;
  private readonly killOnExit = () => this.child.kill('SIGKILL');

  constructor(
    private readonly child: ChildProcess,
    private readonly options: LocalMeshOptions,
  ) {
    child.on('message', (message: MeshReplyMessage) => {
      const entry = this.waiting.get(message.id);
      if (!entry) return;
      this.waiting.delete(message.id);
      if (entry.timer) clearTimeout(entry.timer);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(revive(message.error));
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      process.off('exit', this.killOnExit);
      for (const [, entry] of this.waiting) {
        if (entry.timer) clearTimeout(entry.timer);
        entry.reject(new Error(`mesh process exited (${signal ?? `code ${code}`}) before answering`));
      }
      this.waiting.clear();
    });
    process.on('exit', this.killOnExit);
  }

  request<T>(request: MeshRequest, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
    if (this.exited) return Promise.reject(new Error('mesh process is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`mesh process did not answer ${request.method} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.child.send({ ...request, id });
    });
  }

  async start(): Promise<void> {
    this.addresses = await this.request<MeshAddresses>({ method: 'start', options: this.options }, START_TIMEOUT_MS);
  }

  get clientProxyUrl(): string {
    return this.addresses.clientProxyUrl;
  }

  /** Replica name → the app's own address, bypassing every proxy (diagnostics and benchmarks). */
  get appUrls(): Record<string, string> {
    return { ...this.addresses.appUrls };
  }

  /** The child's pid, for diagnostics and for tests that check nothing outlives `stop()`. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  externalUrl(workload: string, namespace: string): string {
    const url = this.addresses.externalUrls[`${namespace}/${workload}`];
    if (!url) {
      throw new UserError({
        code: 'MESH_UNKNOWN_WORKLOAD',
        message: `no workload ${namespace}/${workload} in the local mesh`,
        fix: `use one of: ${Object.keys(this.addresses.externalUrls).join(', ')}`,
      });
    }
    return url;
  }

  gatewayUrl(): string | undefined {
    return this.config && this.config.gateways.length > 0 ? this.addresses.gatewayUrl : undefined;
  }

  async applyConfig(config: IstioConfig, behaviour?: Record<string, Partial<AppBehaviour>>): Promise<number> {
    const version = await this.request<number>({ method: 'applyConfig', config, behaviour });
    this.config = config;
    return version;
  }

  waitForVersion(version: number, timeoutMs: number): Promise<void> {
    return this.request<void>({ method: 'waitForVersion', version, timeoutMs }, timeoutMs + REQUEST_TIMEOUT_MS);
  }

  stats(): Promise<Record<string, Record<string, number>>> {
    return this.request({ method: 'stats' });
  }

  resetStats(): Promise<void> {
    return this.request({ method: 'resetStats' });
  }

  drainAccessLog(): Promise<AccessLogEntry[]> {
    return this.request({ method: 'drainAccessLog' });
  }

  limitations(): string[] {
    return meshLimitations(this.options, this.config);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.request({ method: 'stop' }, STOP_TIMEOUT_MS);
    } catch {
      // Falls through to the disconnect/kill below; the child may already be gone.
    }
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/** The LocalMesh contract plus local-only diagnostics. */
export type LocalMeshHandle = LocalMesh & { readonly pid: number | undefined; readonly appUrls: Record<string, string> };

const MESH_ENTRY = new URL('./process/mesh-process.ts', import.meta.url);
const WORKER_ENTRIES = [new URL('./process/outbound-worker.ts', import.meta.url), new URL('./process/app-worker.ts', import.meta.url)];

/**
 * How the mesh process and its worker threads start: from bundles (a mesh is up in 0.6 to
 * 0.8 s instead of 1.2 to 1.4 s through tsx, which loads its modules anew in the process
 * and in each worker), or from the TypeScript sources with tsx when the bundles cannot be
 * built. Stack traces from a bundle name its lines, not the sources'.
 */
async function meshEntries(): Promise<{ script: string; execArgv: string[]; workerBundles: Record<string, string> }> {
  try {
    const [script, ...workers] = await Promise.all([MESH_ENTRY, ...WORKER_ENTRIES].map(bundledEntry));
    return { script: fileURLToPath(script), execArgv: [], workerBundles: Object.fromEntries(WORKER_ENTRIES.map((entry, i) => [entry.href, workers[i].href])) };
  } catch {
    return { script: fileURLToPath(MESH_ENTRY), execArgv: ['--import', tsxLoader()], workerBundles: {} };
  }
}

export async function startLocalMesh(options: LocalMeshOptions): Promise<LocalMeshHandle> {
  const entries = await meshEntries();
  const child = fork(entries.script, [], {
    execArgv: entries.execArgv,
    env: { ...process.env, [WORKER_BUNDLES_ENV]: JSON.stringify(entries.workerBundles) },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const mesh = new RemoteLocalMesh(child, options);
  try {
    await mesh.start();
  } catch (error) {
    await mesh.stop();
    throw error;
  }
  return mesh;
}

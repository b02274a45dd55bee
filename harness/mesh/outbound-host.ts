/**
 * The mesh runtime's handle on the outbound proxies' worker thread (see
 * `outbound-worker.ts`): starts it, pushes configuration, and collects acknowledgements,
 * stats and access log entries.
 */
import type { Worker } from 'node:worker_threads';
import type { IstioConfig, MeshProfile } from '../istio/types.ts';
import type { AccessLogEntry } from './api.ts';
import type { IssuedCertificate } from './certificates.ts';
import type { MeshService } from './topology.ts';
import { startTsWorker } from './ts-worker.ts';

export interface OutboundProxySpec {
  name: string;
  kind: 'sidecar' | 'gateway';
  namespace: string;
  certificate: IssuedCertificate;
}

export interface OutboundWorkerData {
  seed: number;
  profile: MeshProfile;
  ca: string;
  services: MeshService[];
  proxies: OutboundProxySpec[];
}

export type OutboundRequest =
  | { op: 'start' }
  | { op: 'update'; version: number; config: IstioConfig }
  | { op: 'served' }
  | { op: 'stats' }
  | { op: 'resetStats' }
  | { op: 'drainAccessLog' }
  | { op: 'stop' };

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

export class OutboundHost {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private failure?: Error;
  ports: Record<string, number> = {};

  constructor(data: OutboundWorkerData) {
    this.worker = startTsWorker(new URL('./outbound-worker.ts', import.meta.url), data);
    this.worker.on('message', (reply: Reply) => {
      const entry = this.waiting.get(reply.id);
      if (!entry) return;
      this.waiting.delete(reply.id);
      if (reply.ok) entry.resolve(reply.result);
      else entry.reject(new Error(`outbound proxies: ${reply.message}`));
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const entry of this.waiting.values()) entry.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`outbound proxy worker exited with code ${code}`)));
  }

  private call<T>(request: OutboundRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, request });
    });
  }

  async start(): Promise<void> {
    this.ports = await this.call<Record<string, number>>({ op: 'start' });
  }

  update(version: number, config: IstioConfig): Promise<void> {
    return this.call({ op: 'update', version, config });
  }

  served(): Promise<Record<string, number>> {
    return this.call({ op: 'served' });
  }

  stats(): Promise<Record<string, Record<string, number>>> {
    return this.call({ op: 'stats' });
  }

  resetStats(): Promise<void> {
    return this.call({ op: 'resetStats' });
  }

  drainAccessLog(): Promise<AccessLogEntry[]> {
    return this.call({ op: 'drainAccessLog' });
  }

  async stop(): Promise<void> {
    if (!this.failure) await this.call({ op: 'stop' }).catch(() => undefined);
    await this.worker.terminate();
  }
}

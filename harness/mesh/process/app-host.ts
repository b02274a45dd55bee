/**
 * Where the sample apps run: in the mesh's own thread, or in a worker thread of their own
 * (`app-worker.ts`) so their work runs in parallel with the sidecars' on a machine with
 * cores to spare. `AppHost` is the same handle either way.
 */
import type { AppBehaviour } from '../../model/plan.ts';
import { streamFor } from '../shared/random.ts';
import { SampleApp } from '../apps/sample-app.ts';
import { RoleHost } from './role-host.ts';

export interface AppWorkerData {
  seed: number;
  apps: { name: string; behaviour: AppBehaviour }[];
}

export type AppRequest =
  | { op: 'start' }
  | { op: 'setBehaviour'; behaviours: Record<string, AppBehaviour> }
  | { op: 'stats' }
  | { op: 'resetStats' }
  | { op: 'stop' };

/** Runs the apps and answers AppRequests; used in a worker or directly. */
export function createAppHandler(data: AppWorkerData): (request: AppRequest) => Promise<unknown> {
  const apps = data.apps.map((spec) => new SampleApp(spec.name, spec.behaviour, streamFor(data.seed, `${spec.name}/app`)));
  return async (request) => {
    switch (request.op) {
      case 'start':
        for (const app of apps) await app.start();
        return Object.fromEntries(apps.map((a) => [a.name, a.port]));
      case 'setBehaviour':
        for (const app of apps) {
          const behaviour = request.behaviours[app.name];
          if (behaviour) app.setBehaviour(behaviour);
        }
        return undefined;
      case 'stats':
        return Object.fromEntries(apps.map((a) => [`${a.name}/app`, a.stats.snapshot()]));
      case 'resetStats':
        for (const app of apps) app.stats.reset();
        return undefined;
      case 'stop':
        await Promise.all(apps.map((a) => a.stop()));
        return undefined;
    }
  };
}

export class AppHost extends RoleHost<AppRequest> {
  /** App name → 127.0.0.1 port. */
  ports: Record<string, number> = {};

  constructor(data: AppWorkerData, threaded: boolean) {
    super({ label: 'sample apps', workerEntry: new URL('./app-worker.ts', import.meta.url), workerData: data, threaded, createHandler: () => createAppHandler(data) });
  }

  async start(): Promise<void> {
    this.ports = await this.call<Record<string, number>>({ op: 'start' });
  }

  setBehaviour(behaviours: Record<string, AppBehaviour>): Promise<void> {
    return this.call({ op: 'setBehaviour', behaviours });
  }

  stats(): Promise<Record<string, Record<string, number>>> {
    return this.call({ op: 'stats' });
  }

  resetStats(): Promise<void> {
    return this.call({ op: 'resetStats' });
  }

  stop(): Promise<void> {
    return this.stopRole({ op: 'stop' });
  }
}

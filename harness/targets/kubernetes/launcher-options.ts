/**
 * What every in-mesh launcher on a cluster is given (a k6 Job, a k6-operator TestRun): where
 * to run, how, and the snapshot hooks that let `bench restore` remove what it creates.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from './object-ref.ts';

export interface ClusterLauncherOptions {
  kc: KubeConfig;
  namespace: string;
  nativeSidecar: boolean;
  image?: string;
  /** Records an object the launcher is about to create (snapshot, before the change). */
  beforeCreate(object: KubeObject): Promise<void>;
  /** Called once the object is gone. */
  afterDelete(object: KubeObject): Promise<void>;
  /** Time allowed on top of the scenario's duration for scheduling, image pull, sidecar start and summaries. */
  slackMs?: number;
}

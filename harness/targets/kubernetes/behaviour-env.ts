/**
 * A stage's behaviour overrides on a cluster: the sample app reads its behaviour from its
 * container env, so an override is the Deployment's env with those variables replaced
 * (a new rollout), and the next stage without the override puts the files' env back.
 */
import { BEHAVIOUR_ENV, formatLatency } from '../../model/behaviour.ts';
import type { AppBehaviour, WorkloadSpec } from '../../model/plan.ts';
import type { KubeObject } from './object-ref.ts';

export function behaviourEnv(behaviour: Partial<AppBehaviour>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [field, value] of Object.entries(behaviour) as [keyof AppBehaviour, AppBehaviour[keyof AppBehaviour]][]) {
    if (value === undefined) continue;
    const name = BEHAVIOUR_ENV[field];
    if (field === 'latency') env[name] = formatLatency(value as AppBehaviour['latency']);
    else if (field === 'slowStart') {
      const slow = value as NonNullable<AppBehaviour['slowStart']>;
      env[name] = `${slow.durationMs}ms:${slow.extraMs}ms`;
    } else env[name] = String(value);
  }
  return env;
}

/** Copies of the workload objects with each overridden Deployment's first container env replaced. */
export function withBehaviour(objects: KubeObject[], workloads: readonly WorkloadSpec[], behaviour: Record<string, Partial<AppBehaviour>> | undefined): KubeObject[] {
  return objects.map((object) => {
    const workload = workloads.find((w) => w.name === object.metadata.name && w.namespace === object.metadata.namespace);
    const override = workload && object.kind === 'Deployment' ? behaviour?.[workload.name] : undefined;
    if (!override) return object;
    const copy = structuredClone(object);
    const container = (copy.spec as { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } }).template?.spec?.containers?.[0];
    if (!container) return copy;
    container.env ??= [];
    const env = container.env;
    for (const [name, value] of Object.entries(behaviourEnv(override))) {
      const existing = env.find((e) => e.name === name);
      if (existing) existing.value = value;
      else env.push({ name, value });
    }
    return copy;
  });
}

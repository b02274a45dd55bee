/**
 * `--target` and the options that go with it, checked before anything runs, and the
 * Target they make. `local` is the embedded mesh; `kubernetes` is the cluster of the
 * kubeconfig context (see README "Run on a cluster").
 */
import { UserError } from '../errors/user-error.ts';
import type { MeshProfile } from '../model/istio-objects.ts';
import type { Plan, VantageName } from '../model/plan.ts';
import type { ProgressReporter } from '../run/progress.ts';
import { parseInjection, type InjectionChoice } from '../targets/kubernetes/injection.ts';
import { withNamespace } from '../targets/kubernetes/namespace-override.ts';
import { formatDuration, tryParseDuration } from '../util/duration.ts';
import type { Target } from '../targets/target.ts';

export const TARGETS = ['local', 'kubernetes'] as const;

/** Spread into parseCommandArgs' options. */
export const TARGET_OPTIONS = {
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  namespace: { type: 'string' },
  keep: { type: 'boolean', default: false },
  'external-url': { type: 'string' },
  injection: { type: 'string' },
  'app-image': { type: 'string' },
  settle: { type: 'string' },
} as const;

/** How long a stage may be left to settle when its arrival cannot be observed. */
const SETTLE_LIMITS_MS = { min: 0, max: 600_000 };

export interface TargetChoice {
  kind: (typeof TARGETS)[number];
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  keep: boolean;
  externalUrl?: string;
  injection: InjectionChoice;
  appImage?: string;
  /** --settle: the wait after a stage when the sidecars' config cannot be read (no pods/exec). */
  settleMs?: number;
}

export function parseTargetChoice(values: Record<string, unknown>): TargetChoice {
  const kind = values.target as string;
  if (!(TARGETS as readonly string[]).includes(kind)) {
    throw new UserError({ code: 'TARGET_UNSUPPORTED', message: `unknown target "${kind}"`, fix: `use --target ${TARGETS.join(' or ')}` });
  }
  const clusterOnly = ['context', 'kubeconfig', 'namespace', 'external-url', 'injection', 'app-image', 'keep', 'settle'].filter((name) => values[name] !== undefined && values[name] !== false);
  if (kind === 'local' && clusterOnly.length > 0) {
    throw new UserError({ code: 'USAGE', message: `--${clusterOnly[0]} only applies to --target kubernetes`, fix: 'add --target kubernetes, or drop the option' });
  }
  const externalUrl = values['external-url'] as string | undefined;
  if (externalUrl !== undefined && !/^https?:\/\/[^/]+/.test(externalUrl)) {
    throw new UserError({ code: 'USAGE', message: `--external-url "${externalUrl}" is not an http(s) URL`, fix: 'e.g. --external-url http://20.1.2.3:80' });
  }
  const namespace = values.namespace as string | undefined;
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
    throw new UserError({ code: 'USAGE', message: `--namespace "${namespace}" is not a valid namespace name`, fix: 'lower-case letters, digits and -, e.g. --namespace bench-retries' });
  }
  const settle = values.settle as string | undefined;
  const settleMs = settle === undefined ? undefined : tryParseDuration(settle);
  if (settle !== undefined && (settleMs === undefined || settleMs < SETTLE_LIMITS_MS.min || settleMs > SETTLE_LIMITS_MS.max)) {
    throw new UserError({ code: 'USAGE', message: `--settle must be a duration from 0s to ${formatDuration(SETTLE_LIMITS_MS.max)}, got "${settle}"`, fix: 'e.g. --settle 20s for a large mesh whose istiod pushes slowly' });
  }
  return {
    kind: kind as TargetChoice['kind'],
    context: values.context as string | undefined,
    kubeconfig: values.kubeconfig as string | undefined,
    namespace,
    keep: Boolean(values.keep),
    externalUrl,
    injection: parseInjection(values.injection as string | undefined),
    appImage: values['app-image'] as string | undefined,
    settleMs,
  };
}

/** The plan as the target runs it (`--namespace` moves it). */
export function planForTarget(plan: Plan, choice: TargetChoice): Plan {
  return choice.namespace ? withNamespace(plan, choice.namespace) : plan;
}

/**
 * Each target is imported when chosen: the Kubernetes client is some 800 modules, which
 * took two of the three seconds a local run or a usage error spent before doing anything.
 */
export async function createTarget(choice: TargetChoice, context: { seed: number; profile?: MeshProfile; vantages: VantageName[]; progress: ProgressReporter }): Promise<Target> {
  if (choice.kind === 'local') {
    const { LocalTarget } = await import('../targets/local/local-target.ts');
    return new LocalTarget({ seed: context.seed, profile: context.profile });
  }
  const { KubernetesTarget } = await import('../targets/kubernetes/kubernetes-target.ts');
  return new KubernetesTarget({
    connect: { kubeconfig: choice.kubeconfig, context: choice.context },
    injection: choice.injection,
    keep: choice.keep,
    vantages: context.vantages,
    externalUrl: choice.externalUrl,
    appImage: choice.appImage,
    settleMs: choice.settleMs,
    log: context.progress,
  });
}

/** Propagation on a cluster is observed or settled, and istiod may be slow: more time than the local mesh needs. */
export function propagationTimeoutFor(choice: TargetChoice): number | undefined {
  return choice.kind === 'kubernetes' ? 120_000 : undefined;
}

/** What a second Ctrl-C prints: exactly what restore still has to do. */
export function pendingRestoreText(target: Target): string {
  const pending = target.pendingRestore?.() ?? [];
  return pending.length === 0 ? '' : `; still to put back:\n${pending.map((line) => `  ${line}`).join('\n')}`;
}

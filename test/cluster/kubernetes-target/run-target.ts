/**
 * A bench run on the kubernetes target as a test drives it: prepare, then the given stages,
 * in this process. With `--kill-after-stages` it ends itself with SIGKILL after applying
 * them (no restore runs), as a run killed by the OOM killer or a cancelled CI job would.
 *
 *   tsx run-target.ts <kubeconfig> <run-dir> <namespace> <stage,stage> --kill-after-stages
 */
import { withNamespace } from '../../../harness/targets/kubernetes/namespace-override.ts';
import { KubernetesTarget } from '../../../harness/targets/kubernetes/kubernetes-target.ts';
import { testPlan } from './helpers.ts';

export async function startTarget(options: { kubeconfig: string; runDir: string; namespace: string; keep?: boolean; lines?: string[] }) {
  const plan = withNamespace(await testPlan(), options.namespace);
  const lines = options.lines ?? [];
  const target = new KubernetesTarget({
    connect: { kubeconfig: options.kubeconfig },
    injection: { kind: 'auto' },
    keep: options.keep ?? false,
    vantages: ['in-mesh'],
    log: { info: (line) => lines.push(line), warn: (line) => lines.push(`warn: ${line}`) },
    settleMs: 10,
    rolloutTimeoutMs: 60_000,
  });
  await target.prepare(plan, { runDir: options.runDir });
  const stage = (name: string) => {
    const found = plan.stages.find((s) => s.name === name);
    if (!found) throw new Error(`no stage ${name}`);
    return target.applyStage({ stage: found.name, config: found.config, behaviour: found.behaviour });
  };
  return { plan, target, stage, lines };
}

if (process.argv[1]?.endsWith('run-target.ts')) {
  const [kubeconfig, runDir, namespace, stages, flag] = process.argv.slice(2);
  const { stage } = await startTarget({ kubeconfig, runDir, namespace });
  for (const name of stages.split(',')) await stage(name);
  if (flag === '--kill-after-stages') process.kill(process.pid, 'SIGKILL');
}

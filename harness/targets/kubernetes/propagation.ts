/**
 * Waiting until a stage has reached the proxies. Istio no longer reports this on the
 * objects (the `Reconciled` condition is gone), so the bench observes the proxies: where
 * it may exec into pods, it reads each server pod's Envoy config dump (`pilot-agent
 * request GET config_dump`) until the route the scenario calls carries the retry policy
 * the Istio model expects. In-mesh load starts from a new k6 pod per cell, which gets its
 * configuration from istiod at start, so a server sidecar that holds the new route shows
 * istiod has processed the stage. Changes the route does not show (mTLS mode, connection
 * pools, outlier detection) get a settle time on top; without exec the whole wait is a
 * settle time. Which method was used, and for how long, is returned to be said per stage.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../../errors/user-error.ts';
import { execCapture } from './pod-exec.ts';
import { SIDECAR_CONTAINER, isReady, listPods, sidecarKind, sleep } from './pods.ts';
import { type RoutePolicy, type RouteTarget, describeRoutePolicy, observedRoutePolicy, routePolicyDifferences } from './route-policy.ts';

export interface PropagationResult {
  method: 'config-dump' | 'settle';
  ms: number;
  /** One line: what was observed or why a settle time was used. */
  detail: string;
}

export interface PropagationOptions {
  kc: KubeConfig;
  stage: string;
  /** The pods whose sidecars are read: the workload serving the scenario's URL. */
  namespace: string;
  podLabels: Record<string, string>;
  target: RouteTarget;
  expected: RoutePolicy;
  canExec: boolean;
  /** Settle time when the proxies cannot be observed. */
  settleMs: number;
  /** Extra settle time because the stage changed what the route does not show (0 when it did not). */
  unobservedSettleMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Config dump reader; the default execs pilot-agent in the sidecar. */
  readConfigDump?: (pod: string) => Promise<unknown>;
}

const POLL_MS = 1000;

export async function waitForPropagation(options: PropagationOptions): Promise<PropagationResult> {
  const started = Date.now();
  const result = options.canExec ? await observeRoutes(options) : undefined;
  let detail = result ?? `no permission to exec into sidecars (pods/exec): waited a fixed ${options.settleMs} ms`;
  const method: PropagationResult['method'] = result && !result.startsWith('fallback:') ? 'config-dump' : 'settle';
  if (method === 'settle') {
    if (result) detail = result.slice('fallback: '.length);
    await sleep(options.settleMs, options.signal);
  } else if (options.unobservedSettleMs > 0) {
    detail += `; then ${options.unobservedSettleMs} ms settle for mTLS/DestinationRule changes a route does not show`;
    await sleep(options.unobservedSettleMs, options.signal);
  }
  return { method, ms: Date.now() - started, detail };
}

/** A description of the observation, or `fallback: <why>` when the proxies could not be read at all. */
async function observeRoutes(options: PropagationOptions): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  const read = options.readConfigDump ?? ((pod: string) => readConfigDump(options.kc, options.namespace, pod));
  let last = 'no ready pod with a sidecar';
  let observedOnce = false;
  while (!options.signal?.aborted) {
    const pods = (await listPods(options.kc, options.namespace, options.podLabels)).filter((p) => isReady(p) && sidecarKind(p));
    const lagging: string[] = [];
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '';
      let dump: unknown;
      try {
        dump = await read(name);
        observedOnce = true;
      } catch (error) {
        if (!observedOnce) return `fallback: could not read the config dump of ${options.namespace}/${name} (${error instanceof Error ? error.message : String(error)}): waited a fixed ${options.settleMs} ms`;
        lagging.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const observed = observedRoutePolicy(dump, options.target);
      const differences = observed ? routePolicyDifferences(options.expected, observed) : [`no route for ${options.target.host}:${options.target.port}${options.target.path}`];
      if (differences.length > 0) lagging.push(`${name}: ${differences.join(', ')}`);
    }
    if (pods.length > 0 && lagging.length === 0) {
      return `route ${options.target.host}:${options.target.port} holds "${describeRoutePolicy(options.expected)}" in the config dump of ${pods.length} sidecar(s)`;
    }
    if (pods.length > 0) last = lagging.join('; ');
    if (Date.now() >= deadline) break;
    await sleep(POLL_MS, options.signal);
  }
  throw new UserError({
    code: 'CONFIG_NOT_PROPAGATED',
    message: `the sidecars of ${options.namespace} did not hold stage ${options.stage}'s route policy ("${describeRoutePolicy(options.expected)}") within ${options.timeoutMs} ms: ${last}`,
    fix: 'check istiod (istioctl proxy-status) and that the stage objects were accepted; a slow control plane may need a longer propagation timeout',
    stage: options.stage,
  });
}

export async function readConfigDump(kc: KubeConfig, namespace: string, pod: string): Promise<unknown> {
  const text = await execCapture(kc, { namespace, pod, container: SIDECAR_CONTAINER, command: ['pilot-agent', 'request', 'GET', 'config_dump?resource=dynamic_route_configs'] });
  return JSON.parse(text);
}

/**
 * The Kubernetes objects for an in-cluster k6 run: a ConfigMap with the bundle (the
 * 1 MiB ConfigMap limit is checked here, before the API server refuses it) and a Job
 * running the pinned grafana/k6 image. In the mesh the pod gets Istio's sidecar; the Job
 * can only finish if that sidecar exits too (mesh-semantics §9): native sidecars when
 * the cluster has them, else the load generator asks pilot-agent to quit. The summary
 * leaves the pod through its log, between marker lines, with k6's exit code.
 */
import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import { UserError } from '../../errors/user-error.ts';

export const K6_IMAGE = 'grafana/k6:0.49.0';
/** The Job pod's load container: its log carries the summary, its exit ends the cell. */
export const K6_CONTAINER = 'k6';
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
export const SUMMARY_BEGIN = '=====K6-SUMMARY-BEGIN=====';
export const SUMMARY_END = '=====K6-SUMMARY-END=====';
export const EXIT_CODE_PREFIX = 'K6-EXIT-CODE=';
export const PROXY_STATS_BEGIN = '=====PROXY-STATS-BEGIN=====';
export const PROXY_STATS_END = '=====PROXY-STATS-END=====';
const SCRIPT_DIR = '/scripts';
const SUMMARY_FILE = '/tmp/k6-summary.json';
const QUIT_URL = 'http://localhost:15020/quitquitquit';
// The client sidecar's counters, read before it quits: the pod is gone when the bench could ask.
const STATS_URL = 'http://localhost:15020/stats/prometheus';

export interface BundleConfigMapOptions {
  name: string;
  namespace: string;
  /** File name inside the ConfigMap, e.g. "unstable-endpoint.js". */
  fileName: string;
  bundle: string;
  labels?: Record<string, string>;
}

export function buildBundleConfigMap(options: BundleConfigMapOptions): V1ConfigMap {
  const size = Buffer.byteLength(options.bundle, 'utf8') + Buffer.byteLength(options.fileName, 'utf8');
  if (size > CONFIGMAP_LIMIT_BYTES) {
    throw new UserError({
      code: 'K6_BUNDLE_TOO_LARGE',
      message: `the bundle ${options.fileName} is ${size} bytes; a ConfigMap holds at most ${CONFIGMAP_LIMIT_BYTES} bytes`,
      fix: 'shrink the scenario (drop large inline data, minify) or run it from outside the cluster with --engine k6',
    });
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: options.name, namespace: options.namespace, labels: { 'app.kubernetes.io/managed-by': 'resilience-bench', ...options.labels } },
    data: { [options.fileName]: options.bundle },
  };
}

export interface K6JobOptions {
  name: string;
  namespace: string;
  configMapName: string;
  fileName: string;
  env: Record<string, string>;
  tags: Record<string, string>;
  /** Inject Istio's sidecar (the in-mesh vantage). */
  inMesh: boolean;
  /**
   * Whether the cluster runs the sidecar as a native sidecar (Kubernetes >= 1.29 with the
   * annotation honoured). When false, the pod calls quitquitquit so the Job can complete.
   */
  nativeSidecar: boolean;
  image?: string;
  labels?: Record<string, string>;
  /** Job deadline: the run's duration plus setup, graceful stop and slack. */
  activeDeadlineSeconds?: number;
  /** More `k6 run` flags, e.g. this Job's `--execution-segment` when N Jobs split a test. */
  extraArgs?: string[];
}

/**
 * `k6 run` with --tag, then the summary and exit code between markers in the log. The
 * plan's env is not on this line: it is in the container's environment (k6JobEnv), which k6
 * reads into __ENV, so no value (a token, say) shows in the pod's process list.
 */
export function k6JobCommand(options: Pick<K6JobOptions, 'tags' | 'fileName' | 'inMesh' | 'nativeSidecar' | 'extraArgs'>): string {
  const args = ['k6', 'run', '--no-usage-report', ...(options.extraArgs ?? []).map(shellQuote)];
  for (const [key, value] of Object.entries(options.tags)) args.push('--tag', shellQuote(`${key}=${value}`));
  args.push(shellQuote(`${SCRIPT_DIR}/${options.fileName}`));
  const lines = [
    `${args.join(' ')}`,
    'code=$?',
    `echo '${SUMMARY_BEGIN}'`,
    `cat ${SUMMARY_FILE} 2>/dev/null`,
    'echo',
    `echo '${SUMMARY_END}'`,
    `echo "${EXIT_CODE_PREFIX}$code"`,
  ];
  if (options.inMesh) {
    lines.push(`echo '${PROXY_STATS_BEGIN}'`, `wget -q -O - ${STATS_URL} 2>/dev/null | grep -E '^envoy_(cluster_|.*fault_)' || true`, `echo '${PROXY_STATS_END}'`);
  }
  if (options.inMesh && !options.nativeSidecar) {
    // A classic sidecar never exits by itself; without this the Job never completes.
    lines.push(`wget -q -O /dev/null --post-data='' ${QUIT_URL} || true`);
  }
  lines.push('exit $code');
  return lines.join('\n');
}

/** The container env: the plan's env and where handleSummary writes the summary. */
function k6JobEnv(env: Record<string, string>): Array<{ name: string; value: string }> {
  return Object.entries({ ...env, SUMMARY_PATH: SUMMARY_FILE }).map(([name, value]) => ({ name, value }));
}

export function buildK6Job(options: K6JobOptions): V1Job {
  const annotations: Record<string, string> = {};
  if (options.inMesh) {
    annotations['proxy.istio.io/config'] = '{"holdApplicationUntilProxyStarts": true}';
    if (options.nativeSidecar) annotations['sidecar.istio.io/nativeSidecar'] = 'true';
  }
  const labels = { 'app.kubernetes.io/name': 'k6', 'app.kubernetes.io/managed-by': 'resilience-bench', ...options.labels };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: options.name, namespace: options.namespace, labels },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 3600,
      ...(options.activeDeadlineSeconds ? { activeDeadlineSeconds: options.activeDeadlineSeconds } : {}),
      template: {
        metadata: {
          labels: { ...labels, 'sidecar.istio.io/inject': options.inMesh ? 'true' : 'false' },
          annotations,
        },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: K6_CONTAINER,
              image: options.image ?? K6_IMAGE,
              command: ['sh', '-c', k6JobCommand(options)],
              env: k6JobEnv(options.env),
              volumeMounts: [{ name: 'scenario', mountPath: SCRIPT_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: 'scenario', configMap: { name: options.configMapName } }],
        },
      },
    },
  };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

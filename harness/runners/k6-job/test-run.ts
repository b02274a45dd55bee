/**
 * A k6-operator `TestRun` (k6.io/v1alpha1) for the in-mesh vantage of a distributed run:
 * `parallelism` runners, each given its execution segment by the operator, the bundle from
 * a ConfigMap, the plan's env in the runners' environment (k6 reads it into __ENV, and `ps`
 * does not show it), and the runners injected into the mesh through the runner metadata.
 * The operator merges nothing, so every runner prints its summary on stdout
 * (SUMMARY_PATH=stdout: handleSummary's `stdout` output) for the bench to read and merge.
 * `cleanup` is left unset: the operator would delete the runner pods, and their logs with
 * them, as soon as the test ends; the bench deletes the TestRun after reading them.
 * A classic (non-native) sidecar never exits, so the operator's `scuttle` is enabled
 * explicitly to ask it to quit; with native sidecars it is disabled.
 */
import { K6_IMAGE } from './manifests.ts';

export const TEST_RUN_API_VERSION = 'k6.io/v1alpha1';
export const TEST_RUN_KIND = 'TestRun';
/** The summary path that makes handleSummary print the summary on stdout. */
export const STDOUT_SUMMARY = 'stdout';

export interface TestRunOptions {
  name: string;
  namespace: string;
  configMapName: string;
  fileName: string;
  parallelism: number;
  env: Record<string, string>;
  tags: Record<string, string>;
  nativeSidecar: boolean;
  /** The runner pods' proxy.istio.io/config (hold until the proxy starts, proxy stats). */
  proxyConfig: string;
  image?: string;
  labels?: Record<string, string>;
}

export interface TestRunObject {
  apiVersion: typeof TEST_RUN_API_VERSION;
  kind: typeof TEST_RUN_KIND;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    parallelism: number;
    separate: boolean;
    arguments: string;
    script: { configMap: { name: string; file: string } };
    runner: {
      image: string;
      env: Array<{ name: string; value: string }>;
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    scuttle: { enabled: 'true' | 'false' };
  };
}

export function buildTestRun(options: TestRunOptions): TestRunObject {
  const labels = { 'app.kubernetes.io/name': 'k6', 'app.kubernetes.io/managed-by': 'resilience-bench', ...options.labels };
  const annotations: Record<string, string> = { 'proxy.istio.io/config': options.proxyConfig };
  if (options.nativeSidecar) annotations['sidecar.istio.io/nativeSidecar'] = 'true';
  // Tags go on the command line (they are not secret); `arguments` is split on spaces by
  // the operator, so a tag with a space in it cannot travel there.
  const tags = Object.entries(options.tags).map(([key, value]) => {
    if (/\s/.test(key + value)) throw new Error(`tag ${key}=${value} contains whitespace, which the k6-operator's arguments cannot carry`);
    return `--tag ${key}=${value}`;
  });
  return {
    apiVersion: TEST_RUN_API_VERSION,
    kind: TEST_RUN_KIND,
    metadata: { name: options.name, namespace: options.namespace, labels },
    spec: {
      parallelism: options.parallelism,
      separate: false,
      arguments: ['--no-usage-report', ...tags].join(' '),
      script: { configMap: { name: options.configMapName, file: options.fileName } },
      runner: {
        image: options.image ?? K6_IMAGE,
        env: Object.entries({ ...options.env, SUMMARY_PATH: STDOUT_SUMMARY }).map(([name, value]) => ({ name, value })),
        metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'true' }, annotations },
      },
      scuttle: { enabled: options.nativeSidecar ? 'false' : 'true' },
    },
  };
}

/**
 * The summary a runner printed on stdout (pretty-printed JSON, `{` and `}` alone on their
 * lines), among k6's other output; undefined when the runner died before printing it.
 */
export function summaryFromRunnerLog(log: string): unknown {
  const lines = log.split(/\r?\n/);
  for (let start = lines.lastIndexOf('{'); start !== -1; start = start > 0 ? lines.lastIndexOf('{', start - 1) : -1) {
    const end = lines.indexOf('}', start + 1);
    if (end === -1) continue;
    try {
      const data = JSON.parse(lines.slice(start, end + 1).join('\n'));
      if (data && typeof data === 'object' && 'metrics' in data && 'root_group' in data) return data;
    } catch {
      // Not the summary, or a truncated one: keep looking further up.
    }
  }
  return undefined;
}

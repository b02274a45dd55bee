/**
 * Sidecar counters on a cluster. pilot-agent serves Envoy's stats as Prometheus text on
 * port 15020 (plaintext even under STRICT: istio-init leaves that port out of the
 * redirection), which the bench reads through the API server (pods/proxy). Envoy turns
 * `cluster.<name>.<stat>` into `envoy_cluster_<stat>{cluster_name="<name>"}`; this maps
 * them back to the Envoy names the local mesh and the report use. Counters cannot be reset
 * on a cluster, so a cell's counters are the difference between a reading before and after.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

export const STATUS_PORT = 15020;

export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[4]);
    if (!Number.isFinite(value)) continue;
    samples.push({ name: match[1], labels: parseLabels(match[3] ?? ''), value });
  }
  return samples;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    labels[match[1]] = match[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/** Envoy-named counters (`cluster.outbound|80||h.upstream_rq_retry`, `http.<prefix>.fault.aborts_injected`). */
export function envoyCounters(text: string): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const sample of parsePrometheusText(text)) {
    const cluster = sample.labels.cluster_name;
    if (sample.name.startsWith('envoy_cluster_') && cluster) {
      const stat = sample.name.slice('envoy_cluster_'.length).replace(/^outlier_detection_/, 'outlier_detection.');
      counters[`cluster.${cluster}.${stat}`] = (counters[`cluster.${cluster}.${stat}`] ?? 0) + sample.value;
      continue;
    }
    const fault = /fault_(aborts_injected|delays_injected)$/.exec(sample.name);
    if (fault) {
      const prefix = sample.labels.http_conn_manager_prefix ?? 'unknown';
      const key = `http.${prefix}.fault.${fault[1]}`;
      counters[key] = (counters[key] ?? 0) + sample.value;
    }
  }
  return counters;
}

/** after − before per counter; a counter that went down (the proxy restarted) counts from zero. */
export function counterDelta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const previous = before[key] ?? 0;
    delta[key] = value >= previous ? value - previous : value;
  }
  return delta;
}

/** Counters of several proxies as one (a split run's k6 pods, each with its own sidecar). */
export function sumCounters(all: Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const counters of all) for (const [name, value] of Object.entries(counters)) sum[name] = (sum[name] ?? 0) + value;
  return sum;
}

export async function readPodCounters(kc: KubeConfig, namespace: string, pod: string): Promise<Record<string, number>> {
  const text = await kc.makeApiClient(CoreV1Api).connectGetNamespacedPodProxyWithPath({ name: `${pod}:${STATUS_PORT}`, namespace, path: 'stats/prometheus' });
  return envoyCounters(text);
}

/**
 * Envoy-named counters (as the local mesh keeps them) written as the Prometheus text a
 * sidecar's pilot-agent serves on :15020/stats/prometheus, so the kubernetes target reads
 * the simulated pods exactly as it reads real ones (its parser maps them back).
 */
const OUTLIER = /^cluster\.(.+)\.(outlier_detection\.[a-z_]+)$/;
const CLUSTER = /^cluster\.(.+)\.([a-z_]+)$/;
const FAULT = /^http\.(.+)\.fault\.([a-z_]+)$/;

function quote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function prometheusText(counters: Record<string, number>): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(counters)) {
    const cluster = OUTLIER.exec(name) ?? CLUSTER.exec(name);
    if (cluster) {
      lines.push(`envoy_cluster_${cluster[2].replace(/\./g, '_')}{cluster_name="${quote(cluster[1])}"} ${value}`);
      continue;
    }
    const fault = FAULT.exec(name);
    if (fault) lines.push(`envoy_http_fault_${fault[2]}{http_conn_manager_prefix="${quote(fault[1])}"} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The pods' `:15020/stats/prometheus`. The relay inside the network namespace answers on
 * every pod IP and passes the request here with the pod IP it arrived on; this finds the
 * pod's sidecar in the local mesh and writes its counters as pilot-agent would.
 */
import { createServer, type Server } from 'node:http';
import { prometheusText } from './prometheus-text.ts';
import { listenOn } from './listening-server.ts';

export interface StatsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** `counters(podIp)`: the Envoy-named counters of that pod's sidecar, or undefined for an unknown pod. */
export async function startStatsServer(options: { address: string; counters(podIp: string): Promise<Record<string, number> | undefined> }): Promise<StatsServer> {
  const server: Server = createServer((req, res) => {
    const podIp = String(req.headers['x-pod-ip'] ?? '');
    if (req.method !== 'GET' || !req.url?.startsWith('/stats/prometheus')) {
      res.writeHead(404).end(`not served: ${req.method} ${req.url}\n`);
      return;
    }
    options.counters(podIp).then(
      (counters) => {
        if (!counters) res.writeHead(503, { 'content-type': 'text/plain' }).end(`no sidecar at ${podIp}\n`);
        else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(prometheusText(counters));
      },
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  return listenOn(server, options.address);
}

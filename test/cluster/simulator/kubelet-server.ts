/**
 * The test kubelet's HTTPS endpoint: the API server fetches pod logs from
 * `https://<node InternalIP>:<daemonEndpoints port>/containerLogs/{ns}/{pod}/{container}`
 * (without --kubelet-certificate-authority it does not verify the certificate, so one
 * from the cluster CA is plenty). Logs are kept in memory, written by the simulator.
 * Exec and port-forward are not served: the target then settles for a fixed time.
 */
import { createServer, type Server } from 'node:https';
import type { KeyPair } from '../fixture/control-plane.ts';
import { listenOn } from './listening-server.ts';

export class PodLogs {
  private readonly logs = new Map<string, string>();

  set(namespace: string, pod: string, container: string, text: string): void {
    this.logs.set(`${namespace}/${pod}/${container}`, text);
  }

  get(namespace: string, pod: string, container: string): string | undefined {
    return this.logs.get(`${namespace}/${pod}/${container}`);
  }
}

export interface KubeletServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startKubeletServer(options: { address: string; certificate: KeyPair; logs: PodLogs }): Promise<KubeletServer> {
  const server: Server = createServer({ cert: options.certificate.certPem, key: options.certificate.keyPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && match) {
      const text = options.logs.get(decodeURIComponent(match[1]), decodeURIComponent(match[2]), decodeURIComponent(match[3]));
      if (text === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('container not found or not started\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
      return;
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200).end('ok');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`the test kubelet does not serve ${url.pathname}\n`);
  });
  return listenOn(server, options.address);
}

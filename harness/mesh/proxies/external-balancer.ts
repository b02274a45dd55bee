/**
 * What a LoadBalancer Service gives a caller outside the mesh: one plaintext address that
 * spreads TCP connections round robin over the workload's replicas (their server sidecars,
 * or the apps when there is no sidecar). Bytes pass through untouched, so the server
 * sidecar sees exactly what the external client sent.
 */
import net from 'node:net';
import { listenOnLoopback, SocketTracker } from '../shared/sockets.ts';

function passOn(error: NodeJS.ErrnoException, other: net.Socket): void {
  if (error.code === 'ECONNRESET' && !other.destroyed) other.resetAndDestroy();
  else other.destroy();
}

export class ExternalBalancer {
  port = 0;
  private next = 0;
  private readonly server: net.Server;
  private readonly sockets = new SocketTracker();

  constructor(private readonly backendPorts: () => number[]) {
    this.server = net.createServer({ noDelay: true }, (client) => this.accept(client));
    this.sockets.track(this.server);
  }

  async start(): Promise<void> {
    this.port = await listenOnLoopback(this.server);
  }

  private accept(client: net.Socket): void {
    const ports = this.backendPorts();
    if (ports.length === 0) {
      client.destroy();
      return;
    }
    const port = ports[this.next++ % ports.length];
    const backend = net.connect({ host: '127.0.0.1', port });
    this.sockets.add(backend);
    client.setNoDelay(true);
    backend.setNoDelay(true);
    // A reset on one side resets the other (RST, not FIN), so a caller sees a sidecar's reset
    // as a reset (k6 1220) and a close as a close (k6 1000), as through a cloud load balancer.
    client.on('error', (error: NodeJS.ErrnoException) => passOn(error, backend));
    backend.on('error', (error: NodeJS.ErrnoException) => passOn(error, client));
    client.on('close', () => backend.destroy());
    backend.on('close', () => client.destroy());
    client.pipe(backend);
    backend.pipe(client);
  }

  stop(): Promise<void> {
    return this.sockets.closeServer(this.server);
  }
}

/**
 * A TCP forwarder whose destination is looked up per connection, so it keeps working when
 * the local mesh behind it is restarted on new ports: a cloud load balancer in front of a
 * Service's pods.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpForwarder {
  close(): Promise<void>;
}

export async function startTcpForwarder(options: { host: string; port: number; destination(): { host: string; port: number } | undefined }): Promise<TcpForwarder> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const destination = options.destination();
    if (!destination) {
      client.destroy();
      return;
    }
    const upstream = connect(destination.port, destination.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    // Either side's reset is passed on as a reset: STRICT's refusal must look the same outside.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.resetAndDestroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

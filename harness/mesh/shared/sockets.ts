/**
 * Loopback listeners and the bookkeeping that lets `stop()` leave no socket or port behind:
 * every accepted connection is tracked and destroyed when its server closes.
 */
import type { Server, Socket } from 'node:net';

export function listenOnLoopback(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('listener has no TCP address'));
      else resolve(address.port);
    });
  });
}

export class SocketTracker {
  private readonly sockets = new Set<Socket>();

  track(server: Server): void {
    server.on('connection', (socket: Socket) => this.add(socket));
  }

  add(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  closeServer(server: Server): Promise<void> {
    return new Promise((resolve) => {
      if (!server.listening) {
        this.destroyAll();
        resolve();
        return;
      }
      server.close(() => resolve());
      this.destroyAll();
    });
  }
}

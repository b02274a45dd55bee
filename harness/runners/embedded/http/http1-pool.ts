/**
 * A VU's plain-HTTP connections: idle keep-alive sockets per host:port, reused the way
 * Go's transport (and so k6) reuses them. Each socket carries one request at a time and
 * has its listeners attached once; the request in flight receives the events.
 */
import net from 'node:net';

export interface ConnectionEvents {
  onData(chunk: Buffer): void;
  onEnd(): void;
  onError(error: NodeJS.ErrnoException): void;
}

export class Connection {
  handler?: ConnectionEvents;
  /** Whether it has served a request before (a reused socket the server closed may be retried). */
  reused = false;
  closed = false;

  constructor(
    readonly socket: net.Socket,
    readonly key: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.handler?.onData(chunk));
    socket.on('end', () => {
      this.closed = true;
      this.handler?.onEnd();
    });
    socket.on('close', () => {
      this.closed = true;
      this.handler?.onEnd();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.closed = true;
      this.handler?.onError(error);
    });
  }
}

interface Endpoint {
  host: string;
  port: number;
  key: string;
}

/** host:port of a URL, worked out once per URL object: requests reuse their URLs (see modules/http.ts). */
const endpoints = new WeakMap<URL, Endpoint>();

function endpointOf(url: URL): Endpoint {
  let endpoint = endpoints.get(url);
  if (!endpoint) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 80);
    endpoint = { host, port, key: `${host}:${port}` };
    endpoints.set(url, endpoint);
  }
  return endpoint;
}

export class Http1Pool {
  private readonly idle = new Map<string, Connection[]>();

  /** An idle connection to the URL's host:port, or a new one (connecting) and whether it is new. */
  acquire(url: URL): { connection: Connection; fresh: boolean } {
    const { host, port, key } = endpointOf(url);
    const idle = this.idle.get(key);
    while (idle && idle.length > 0) {
      const connection = idle.pop() as Connection;
      if (!connection.closed && !connection.socket.destroyed) return { connection, fresh: false };
    }
    return { connection: new Connection(net.connect({ host, port }), key), fresh: true };
  }

  release(connection: Connection): void {
    connection.handler = undefined;
    connection.reused = true;
    if (connection.closed || connection.socket.destroyed) return;
    let idle = this.idle.get(connection.key);
    if (!idle) {
      idle = [];
      this.idle.set(connection.key, idle);
    }
    idle.push(connection);
  }

  close(): void {
    for (const list of this.idle.values()) for (const connection of list) connection.socket.destroy();
    this.idle.clear();
  }
}

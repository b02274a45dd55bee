/**
 * Plain-HTTP requests on raw sockets: one write per request, an incremental parser, and
 * no per-request stream objects. Node's http client costs several times more CPU per
 * request, which kept the runtime far from a dedicated load generator's throughput.
 * With a proxy, requests go to it in absolute form, as k6 does with HTTP_PROXY. HTTPS
 * goes through node-transport.ts. One Exchange object per request (rather than a set of
 * closures) keeps the allocation per request small.
 */
import { performance } from 'node:perf_hooks';
import { classifyNetworkError, DIAL_TIMEOUT, type K6NetworkError, REQUEST_TIMEOUT } from './error-codes.ts';
import type { Connection, ConnectionEvents, Http1Pool } from './http1-pool.ts';
import { cancelDeadline, type DeadlineQueue, type Expirable, scheduleDeadline } from './deadlines.ts';
import { type Interruptible, unwatchInterrupt, watchInterrupt } from './interrupt-watch.ts';
import { ResponseParser } from './response-parser.ts';
import type { ResponseHandler, TransportRequest, TransportResponse } from './transport.ts';

const CONNECT_TIMEOUT_MS = 30_000;
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** What a URL's request line and connection need, read once per URL object (URL getters are not free). */
interface UrlParts {
  host: string;
  path: string;
}

const urlParts = new WeakMap<URL, UrlParts>();

function partsOf(url: URL): UrlParts {
  let parts = urlParts.get(url);
  if (!parts) {
    parts = { host: url.host, path: url.pathname + url.search };
    urlParts.set(url, parts);
  }
  return parts;
}

function requestHead(request: TransportRequest, viaProxy: boolean): string {
  const { url } = request;
  const parts = partsOf(url);
  // A Host header in the params replaces the URL's host, as in k6 (Go sets req.Host from
  // it): how a caller reaches a gateway by address while naming the virtual host.
  const host = request.headers.host ?? parts.host;
  let head = `${request.method} ${viaProxy ? url.href : parts.path} HTTP/1.1\r\nHost: ${host}\r\n`;
  let hasLength = false;
  for (const name in request.headers) {
    if (name === 'host') continue;
    if (name === 'content-length') hasLength = true;
    head += `${name}: ${request.headers[name]}\r\n`;
  }
  if (!hasLength && (request.body !== undefined || !BODYLESS_METHODS.has(request.method))) {
    head += `content-length: ${request.body?.length ?? 0}\r\n`;
  }
  return `${head}\r\n`;
}

export function sendHttp1(request: TransportRequest, pool: Http1Pool): Promise<TransportResponse> {
  return new Promise((resolve, reject) => startHttp1(request, pool, { received: resolve, failed: reject }));
}

/** sendHttp1 without a promise of its own: the handler receives the outcome. */
export function startHttp1(request: TransportRequest, pool: Http1Pool, handler: ResponseHandler): void {
  try {
    new Exchange(request, pool, handler, false).start();
  } catch (error) {
    handler.failed(error);
  }
}

class Exchange implements ConnectionEvents, Interruptible, Expirable {
  private readonly startedAt = performance.now();
  private readonly connection: Connection;
  private readonly fresh: boolean;
  private readonly parser: ResponseParser;
  private readonly acquiredAt: number;
  private connectedAt = 0;
  private sentAt = 0;
  private firstByteAt = 0;
  private bytesReceived = 0;
  private bytesSent = 0;
  private settled = false;
  deadline: number;
  previousExpirable?: Expirable;
  nextExpirable?: Expirable;
  expirableQueue?: DeadlineQueue;

  constructor(
    private readonly request: TransportRequest,
    private readonly pool: Http1Pool,
    private readonly handler: ResponseHandler,
    private readonly retried: boolean,
  ) {
    const acquired = pool.acquire(request.proxy ?? request.url);
    this.connection = acquired.connection;
    this.fresh = acquired.fresh;
    this.acquiredAt = performance.now();
    if (!this.fresh) this.connectedAt = this.acquiredAt;
    this.parser = new ResponseParser(request.method === 'HEAD', !request.discardBody);
    this.deadline = this.startedAt + request.timeoutMs;
  }

  start(): void {
    const { request } = this;
    if (request.interrupt.aborted) {
      this.interrupted();
      return;
    }
    watchInterrupt(request.interrupt, this);
    scheduleDeadline(this, request.timeoutMs);
    this.connection.handler = this;
    if (this.fresh) this.connection.socket.once('connect', () => this.connected());
    else this.write();
  }

  onData(chunk: Buffer): void {
    if (this.settled) return;
    if (this.firstByteAt === 0) this.firstByteAt = performance.now();
    this.bytesReceived += chunk.length;
    try {
      if (this.parser.feed(chunk)) this.complete();
    } catch (error) {
      this.fail({ code: 1000, message: (error as Error).message });
    }
  }

  onEnd(): void {
    if (this.settled) return;
    if (this.parser.end()) this.complete();
    else if (this.retryable()) this.retry();
    else this.fail({ code: 1000, message: this.bytesReceived === 0 ? 'EOF' : 'unexpected EOF' });
  }

  onError(error: NodeJS.ErrnoException): void {
    if (this.settled) return;
    if (error.code === 'ECONNRESET' && this.retryable()) this.retry();
    else this.fail(classifyNetworkError(error));
  }

  private connected(): void {
    this.connectedAt = performance.now();
    if (!this.settled) this.write();
  }

  private write(): void {
    const { request } = this;
    const socket = this.connection.socket;
    const head = requestHead(request, request.proxy !== undefined);
    this.bytesSent = Buffer.byteLength(head, 'latin1') + (request.body?.length ?? 0);
    if (request.body && request.body.length > 0) {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(request.body);
      socket.uncork();
    } else {
      socket.write(head, 'latin1');
    }
    this.sentAt = performance.now();
  }

  /** A keep-alive connection the server closed just as it was reused: Go retries once, so do we. */
  private retryable(): boolean {
    return this.bytesReceived === 0 && this.connection.reused && !this.retried;
  }

  private retry(): void {
    this.settle();
    this.connection.handler = undefined;
    this.connection.socket.destroy();
    new Exchange(this.request, this.pool, this.handler, true).start();
  }

  expired(): void {
    const dialing = this.fresh && this.connectedAt === 0 && this.request.timeoutMs >= CONNECT_TIMEOUT_MS;
    this.fail(dialing ? DIAL_TIMEOUT : REQUEST_TIMEOUT);
  }

  interrupted(): void {
    if (this.settled) return;
    this.settle();
    this.connection.handler = undefined;
    this.connection.socket.destroy();
    this.handler.failed(this.request.interrupt.reason);
  }

  private settle(): void {
    this.settled = true;
    cancelDeadline(this);
    unwatchInterrupt(this.request.interrupt, this);
  }

  private fail(error: K6NetworkError): void {
    if (this.settled) return;
    this.settle();
    this.connection.handler = undefined;
    this.connection.socket.destroy();
    this.handler.received(this.result(error));
  }

  private complete(): void {
    if (this.settled) return;
    this.settle();
    if (this.parser.keepAlive) this.pool.release(this.connection);
    else {
      this.connection.handler = undefined;
      this.connection.socket.destroy();
    }
    this.handler.received(this.result());
  }

  private result(error?: K6NetworkError): TransportResponse {
    const end = performance.now();
    const connected = this.connectedAt || end;
    const sent = this.sentAt || connected;
    const headersAt = this.firstByteAt || end;
    const sending = Math.max(0, sent - connected);
    const waiting = Math.max(0, headersAt - sent);
    const receiving = Math.max(0, end - headersAt);
    const head = error ? undefined : this.parser.head;
    const body = this.parser.body;
    const socket = this.connection.socket;
    return {
      status: head?.status ?? 0,
      statusText: head ? `${head.status} ${head.statusText}`.trim() : '',
      proto: head ? `HTTP/${head.version}` : '',
      rawHeaders: head ? head.headers : {},
      body: head && !this.request.discardBody ? (body.length === 1 ? body[0] : Buffer.concat(body)) : null,
      timings: {
        duration: sending + waiting + receiving,
        blocked: this.acquiredAt - this.startedAt,
        connecting: this.fresh && this.connectedAt ? this.connectedAt - this.acquiredAt : 0,
        tls_handshaking: 0,
        sending,
        waiting,
        receiving,
      },
      error,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      remoteIp: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
    };
  }
}

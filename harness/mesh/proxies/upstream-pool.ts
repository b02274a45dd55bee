/**
 * Upstream connections of one cluster, with Envoy's circuit breakers (mesh-semantics §4).
 * Limits are per cluster (all its hosts together): `maxConnections` caps connections (a
 * host with none still gets one, as Envoy does, counted as `upstream_cx_overflow`), a
 * request that finds no free connection waits as *pending* up to `maxPendingRequests`,
 * `maxRequests` caps requests in flight. Over a cap the caller gets `overflow` at once.
 * HTTP/1.1 keep-alive, one request per connection at a time, through one node Agent per
 * host whose own bookkeeping (free/busy sockets) is updated synchronously, so the checks
 * here never race with it.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { spiffeIdFromSubjectAltName } from '../control-plane/certificates.ts';
import { DEFAULT_IDLE_TIMEOUT_MS, type PoolLimits } from '../control-plane/destination-policy.ts';
import type { ProxyStats } from './stats.ts';
import type { Endpoint } from '../control-plane/topology.ts';

export interface ClientTls {
  ca: string;
  /** Omitted for TLS without a client certificate (DestinationRule `SIMPLE`). */
  cert?: string;
  key?: string;
  /** The SPIFFE identity the server's certificate must carry. */
  expectedSpiffeId?: string;
  /** SNI, as Istio sets it: `outbound_.<port>_.<subset>_.<host>`. */
  servername: string;
}

export interface Lease {
  readonly endpoint: Endpoint;
  request(options: http.RequestOptions): http.ClientRequest;
  release(): void;
}

export type Acquisition = { kind: 'overflow' } | { kind: 'waiting'; lease: Promise<Lease>; cancel(): void };

interface HostPool {
  endpoint: Endpoint;
  agent: http.Agent;
  tls?: ClientTls;
  /**
   * Built once per host: passing ca/cert/key to every request makes Node parse them into a
   * new SecureContext for each connection (milliseconds of CPU), which alone pushed cold
   * tries past millisecond per-try timeouts and kept the pool from ever warming up.
   */
  secureContext?: tls.SecureContext;
}

interface Waiter {
  host: HostPool;
  grant(lease: Lease): void;
}

function countSockets(dict: NodeJS.ReadOnlyDict<Socket[]>): number {
  let n = 0;
  for (const list of Object.values(dict)) n += list?.length ?? 0;
  return n;
}

/** Node's Agent hook, typed as returning void in @types/node but read as a boolean by Node. */
type KeepAliveHook = { keepSocketAlive(socket: Duplex): boolean };

function createAgent(limits: PoolLimits, tls: boolean, isRetired: () => boolean): http.Agent {
  const uses = new WeakMap<Duplex, number>();
  // An idle timer is armed per request, so only when the rule sets one (the 1 h default is left to the OS).
  const options = {
    keepAlive: true,
    maxSockets: Number.POSITIVE_INFINITY,
    maxFreeSockets: 1024,
    ...(limits.idleTimeoutMs !== DEFAULT_IDLE_TIMEOUT_MS && { timeout: limits.idleTimeoutMs }),
  };
  // TLS sessions are resumed, as Envoy does: new connections after a timeout-induced close skip the full handshake.
  const agent = tls ? new https.Agent(options) : new http.Agent(options);
  const hook = agent as unknown as KeepAliveHook;
  const keepByDefault = hook.keepSocketAlive.bind(agent);
  // Decides after each response whether the connection goes back to the pool.
  hook.keepSocketAlive = (socket) => {
    const used = (uses.get(socket) ?? 0) + 1;
    uses.set(socket, used);
    if (isRetired()) return false;
    if (limits.maxRequestsPerConnection > 0 && used >= limits.maxRequestsPerConnection) return false;
    return keepByDefault(socket);
  };
  return agent;
}

export class UpstreamPool {
  private readonly hosts = new Map<string, HostPool>();
  private readonly pending: Waiter[] = [];
  private readonly watchedSockets = new WeakSet<object>();
  private retired = false;
  /** Requests accepted and not yet finished (pending or in flight). */
  activeRequests = 0;
  /** Retries scheduled or running, for `maxRetries`. */
  activeRetries = 0;

  constructor(
    readonly limits: PoolLimits,
    private readonly stats: ProxyStats,
    private readonly statPrefix: string,
    private readonly tlsFor: (endpoint: Endpoint) => ClientTls | undefined,
  ) {}

  get pendingRequests(): number {
    return this.pending.length;
  }

  totalConnections(): number {
    let n = 0;
    for (const host of this.hosts.values()) n += countSockets(host.agent.sockets) + countSockets(host.agent.freeSockets);
    return n;
  }

  private hostPool(endpoint: Endpoint): HostPool {
    let host = this.hosts.get(endpoint.id);
    if (!host) {
      const tls = this.tlsFor(endpoint);
      const agent = createAgent(this.limits, tls !== undefined, () => this.retired);
      // A connection handed back to the pool may serve a waiting request.
      agent.on('free', () => this.drainPending());
      const secureContext = tls && createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
      host = { endpoint, agent, tls, secureContext };
      this.hosts.set(endpoint.id, host);
    }
    return host;
  }

  /** Whether a request to `host` can go out now: a free connection, or room for a new one. */
  private canDispatch(host: HostPool): boolean {
    if (countSockets(host.agent.freeSockets) > 0) return true;
    if (this.totalConnections() < this.limits.maxConnections) return true;
    const hostConnections = countSockets(host.agent.sockets);
    if (hostConnections === 0) {
      // Envoy opens one connection to a host that has none even past the cap, so pending
      // requests of that host can never be stuck behind other hosts' idle connections.
      this.stats.inc(`${this.statPrefix}upstream_cx_overflow`);
      return true;
    }
    return false;
  }

  acquire(endpoint: Endpoint): Acquisition {
    if (this.activeRequests >= this.limits.maxRequests) return { kind: 'overflow' };
    const host = this.hostPool(endpoint);
    if (this.pending.length === 0 && this.canDispatch(host)) {
      this.activeRequests++;
      return { kind: 'waiting', lease: Promise.resolve(this.lease(host)), cancel: () => {} };
    }
    if (this.countsAsConnectionOverflow(host)) this.stats.inc(`${this.statPrefix}upstream_cx_overflow`);
    if (this.pending.length >= this.limits.maxPendingRequests) return { kind: 'overflow' };
    this.activeRequests++;
    let waiter!: Waiter;
    const lease = new Promise<Lease>((resolve) => {
      waiter = { host, grant: resolve };
    });
    this.pending.push(waiter);
    this.stats.inc(`${this.statPrefix}upstream_rq_pending_total`);
    return {
      kind: 'waiting',
      lease,
      cancel: () => {
        const index = this.pending.indexOf(waiter);
        if (index !== -1) {
          this.pending.splice(index, 1);
          this.activeRequests--;
        }
      },
    };
  }

  private countsAsConnectionOverflow(host: HostPool): boolean {
    return countSockets(host.agent.freeSockets) === 0 && this.totalConnections() >= this.limits.maxConnections;
  }

  private drainPending(): void {
    // FIFO, but a waiter for a busy host does not block waiters for other hosts.
    for (let i = 0; i < this.pending.length; ) {
      const waiter = this.pending[i];
      if (this.canDispatch(waiter.host)) {
        this.pending.splice(i, 1);
        waiter.grant(this.lease(waiter.host));
      } else i++;
    }
  }

  private lease(host: HostPool): Lease {
    let released = false;
    return {
      endpoint: host.endpoint,
      request: (options) => {
        const tls = host.tls;
        const transport = tls ? https : http;
        const request = transport.request({
          ...options,
          host: '127.0.0.1',
          port: host.endpoint.port,
          agent: host.agent,
          ...(tls && {
            secureContext: host.secureContext,
            servername: tls.servername,
            rejectUnauthorized: true,
            checkServerIdentity: (_name: string, cert: { subjectaltname?: string }) => {
              const id = spiffeIdFromSubjectAltName(cert.subjectaltname);
              return tls.expectedSpiffeId === undefined || id === tls.expectedSpiffeId ? undefined : new Error(`peer identity ${id ?? 'none'} is not ${tls.expectedSpiffeId}`);
            },
          }),
        });
        request.on('socket', (socket) => this.watchClose(socket));
        return request;
      },
      release: () => {
        if (released) return;
        released = true;
        this.activeRequests--;
      },
    };
  }

  /** A closed connection frees a connection slot, which may serve a waiting request. */
  private watchClose(socket: Socket): void {
    if (this.watchedSockets.has(socket)) return;
    this.watchedSockets.add(socket);
    socket.once('close', () => setImmediate(() => this.drainPending()));
  }

  /** Stop reusing connections (config changed); requests in flight finish on theirs. */
  retire(): void {
    this.retired = true;
    for (const host of this.hosts.values()) {
      for (const list of Object.values(host.agent.freeSockets)) for (const socket of list ?? []) socket.destroy();
    }
  }

  destroy(): void {
    this.retired = true;
    // Waiters are dropped: their downstream connections are being closed with the proxy.
    this.pending.splice(0);
    for (const host of this.hosts.values()) host.agent.destroy();
  }
}

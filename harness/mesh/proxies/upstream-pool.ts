/**
 * The upstream connections one worker thread of a proxy holds for one cluster, as Envoy's
 * per-worker HTTP/1.1 pools do (mesh-semantics §4): one pool per host, one request per
 * connection at a time, keep-alive. The circuit-breaker counts are the cluster's, shared
 * by all workers (`CircuitBreakers`). A request takes an idle connection, or opens one
 * while `maxConnections` allows (a host pool with no connection at all opens one anyway,
 * counted as `upstream_cx_overflow`), or waits as *pending* up to `maxPendingRequests`.
 * A freed or closed connection is handed to exactly one waiter of its pool: every grant
 * reserves the idle connection or the connection slot it will use, so the node Agent
 * under each host pool never opens sockets past the cap for requests that were granted
 * the same free socket. `maxRequests` counts requests attached to a connection only.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type * as tls from 'node:tls';
import { createSecureContext } from 'node:tls';
import { spiffeIdFromSubjectAltName } from '../control-plane/certificates.ts';
import { DEFAULT_IDLE_TIMEOUT_MS, type PoolLimits } from '../control-plane/destination-policy.ts';
import type { Endpoint } from '../control-plane/topology.ts';
import type { CircuitBreakers } from './circuit-breakers.ts';
import type { ProxyStats } from './stats.ts';

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
  /** The request on this lease was reset locally: its HTTP/1.1 connection is closed with it. */
  resetLocally(): void;
  release(): void;
}

export type Acquisition = { kind: 'overflow' } | { kind: 'waiting'; lease: Promise<Lease | 'overflow'>; cancel(): void };

type Way = 'idle' | 'new';

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
  /** Sockets of this host pool that are open or connecting. */
  connections: number;
  /** Granted leases that will take an idle socket / open a new one, not yet sent. */
  reservedIdle: number;
  reservedNew: number;
}

interface Waiter {
  host: HostPool;
  grant(lease: Lease | 'overflow'): void;
}

function countSockets(dict: NodeJS.ReadOnlyDict<Socket[]>): number {
  let n = 0;
  for (const list of Object.values(dict)) n += list?.length ?? 0;
  return n;
}

/** Node's Agent hooks, typed loosely in @types/node. */
type AgentHooks = {
  keepSocketAlive(socket: Duplex): boolean;
  createConnection(options: object, callback?: (error: Error | null, socket: Duplex) => void): Duplex | undefined;
};

export interface UpstreamPoolOptions {
  breakers: CircuitBreakers;
  stats: ProxyStats;
  statPrefix: string;
  tlsFor: (endpoint: Endpoint) => ClientTls | undefined;
}

export class UpstreamPool {
  private readonly hosts = new Map<string, HostPool>();
  private readonly pending: Waiter[] = [];
  private retired = false;
  private drainScheduled = false;
  private readonly breakers: CircuitBreakers;
  private readonly limits: PoolLimits;

  constructor(private readonly options: UpstreamPoolOptions) {
    this.breakers = options.breakers;
    this.limits = options.breakers.limits;
  }

  private inc(stat: string): void {
    this.options.stats.inc(`${this.options.statPrefix}${stat}`);
  }

  private hostPool(endpoint: Endpoint): HostPool {
    let host = this.hosts.get(endpoint.id);
    if (!host) {
      const tls = this.options.tlsFor(endpoint);
      const secureContext = tls && createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
      host = { endpoint, agent: undefined as unknown as http.Agent, tls, secureContext, connections: 0, reservedIdle: 0, reservedNew: 0 };
      host.agent = this.createAgent(host);
      this.hosts.set(endpoint.id, host);
    }
    return host;
  }

  private createAgent(host: HostPool): http.Agent {
    const limits = this.limits;
    const uses = new WeakMap<Duplex, number>();
    // An idle timer is armed per request, so only when the rule sets one (the 1 h default is left to the OS).
    const options = {
      keepAlive: true,
      maxSockets: Number.POSITIVE_INFINITY,
      maxFreeSockets: 1024,
      ...(limits.idleTimeoutMs !== DEFAULT_IDLE_TIMEOUT_MS && { timeout: limits.idleTimeoutMs }),
    };
    // https.Agent keeps the session of each host's last connection and offers it on the next
    // (tls.connect({ session })), as Envoy's upstream TLS resumes sessions: a reconnect after a
    // reset stream or a timeout skips the full handshake.
    const agent = host.tls ? new https.Agent(options) : new http.Agent(options);
    const hooks = agent as unknown as AgentHooks;
    const keepByDefault = hooks.keepSocketAlive.bind(agent);
    // Decides after each response whether the connection goes back to the pool.
    hooks.keepSocketAlive = (socket) => {
      const used = (uses.get(socket) ?? 0) + 1;
      uses.set(socket, used);
      if (this.retired) return false;
      if (limits.maxRequestsPerConnection > 0 && used >= limits.maxRequestsPerConnection) return false;
      return keepByDefault(socket);
    };
    const create = hooks.createConnection.bind(agent);
    hooks.createConnection = (connectOptions, callback) => {
      const socket = create(connectOptions, callback);
      if (socket) this.opened(host, socket);
      return socket;
    };
    // A connection handed back to the pool may serve a waiting request.
    agent.on('free', () => this.scheduleDrain());
    return agent;
  }

  private opened(host: HostPool, socket: Duplex): void {
    host.connections++;
    this.breakers.connections++;
    this.inc('upstream_cx_total');
    socket.once('close', () => {
      host.connections--;
      this.breakers.connections--;
      this.scheduleDrain();
    });
  }

  private idle(host: HostPool): number {
    return countSockets(host.agent.freeSockets) - host.reservedIdle;
  }

  /** How a request to `host` can go out now, if it can: an idle connection, or a new one. */
  private way(host: HostPool, countOverflow: boolean): Way | undefined {
    if (this.idle(host) > 0) return 'idle';
    const breakers = this.breakers;
    if (breakers.connections + breakers.opening < this.limits.maxConnections) return 'new';
    if (countOverflow) this.inc('upstream_cx_overflow');
    // Envoy opens one connection for a host pool that has none even past the cap, so its
    // pending requests are never stuck behind other pools' connections.
    if (host.connections + host.reservedNew === 0) return 'new';
    return undefined;
  }

  get pendingRequests(): number {
    return this.pending.length;
  }

  acquire(endpoint: Endpoint): Acquisition {
    const host = this.hostPool(endpoint);
    // FIFO per host pool: a new request does not overtake waiters of the same host.
    const way = this.pending.some((w) => w.host === host) ? undefined : this.way(host, true);
    if (way) {
      if (this.breakers.requests >= this.limits.maxRequests) return { kind: 'overflow' };
      return { kind: 'waiting', lease: Promise.resolve(this.lease(host, way)), cancel: () => {} };
    }
    if (this.breakers.pending >= this.limits.maxPendingRequests) return { kind: 'overflow' };
    this.breakers.pending++;
    let waiter!: Waiter;
    const lease = new Promise<Lease | 'overflow'>((resolve) => {
      waiter = { host, grant: resolve };
    });
    this.pending.push(waiter);
    this.inc('upstream_rq_pending_total');
    return {
      kind: 'waiting',
      lease,
      cancel: () => {
        const index = this.pending.indexOf(waiter);
        if (index !== -1) {
          this.pending.splice(index, 1);
          this.breakers.pending--;
        }
      },
    };
  }

  /**
   * Run after the event that freed capacity has settled (a response's lease is released on
   * its 'close', which Node emits around the socket's 'free'), so a waiter is checked against
   * the request count without the request that just finished.
   */
  private scheduleDrain(): void {
    if (this.drainScheduled || this.pending.length === 0) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drainPending();
    });
  }

  private drainPending(): void {
    // FIFO, but a waiter for a busy host does not block waiters for other hosts.
    for (let i = 0; i < this.pending.length; ) {
      const waiter = this.pending[i];
      const way = this.way(waiter.host, false);
      if (!way) {
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      this.breakers.pending--;
      // Envoy checks the request cap when it attaches a waiting request to a connection.
      if (this.breakers.requests >= this.limits.maxRequests) waiter.grant('overflow');
      else waiter.grant(this.lease(waiter.host, way));
    }
  }

  private lease(host: HostPool, way: Way): Lease {
    const breakers = this.breakers;
    breakers.requests++;
    if (way === 'idle') host.reservedIdle++;
    else {
      host.reservedNew++;
      breakers.opening++;
    }
    let reserved = true;
    let released = false;
    const unreserve = () => {
      if (!reserved) return;
      reserved = false;
      if (way === 'idle') host.reservedIdle--;
      else {
        host.reservedNew--;
        breakers.opening--;
      }
    };
    return {
      endpoint: host.endpoint,
      request: (options) => {
        // The Agent takes a free socket or opens one synchronously inside request().
        unreserve();
        const tls = host.tls;
        const transport = tls ? https : http;
        return transport.request({
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
      },
      resetLocally: () => this.inc('upstream_cx_destroy_local_with_active_rq'),
      release: () => {
        if (released) return;
        released = true;
        breakers.requests--;
        if (reserved) {
          // Granted but never used (the wait was abandoned): the reservation frees a slot.
          unreserve();
          this.scheduleDrain();
        }
      },
    };
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
    this.breakers.pending -= this.pending.length;
    this.pending.splice(0);
    for (const host of this.hosts.values()) host.agent.destroy();
  }
}

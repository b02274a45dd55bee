/**
 * An outbound Envoy: the client workload's sidecar (an HTTP proxy taking absolute-form
 * requests, as k6 sends them through HTTP_PROXY, and routing by host as Envoy does after
 * iptables capture) or the ingress gateway (origin-form requests, routed by Host through
 * the VirtualServices bound to its Gateways). It applies the routes' faults, timeouts and
 * retries and the destination rules' circuit breakers and outlier detection, per cluster
 * and per proxy, and talks mTLS to endpoints that have a sidecar (auto mTLS) unless a
 * DestinationRule's `tls` says otherwise.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Cancellation } from './cancellation.ts';
import type { IssuedCertificate } from '../control-plane/certificates.ts';
import { type ClusterPolicy, resolveClusterPolicy } from '../control-plane/destination-policy.ts';
import { decideAbort, decideDelay, FAULT_ABORT_BODY } from './fault-injection.ts';
import { downstreamRequestLog } from './access-log.ts';
import { forwardableHeaders, readBody, relayResponse, requestTarget, sendLocalReply } from './http-util.ts';
import type { MeshSnapshot, ProxyContext } from './proxy-context.ts';
import { streamFor } from '../shared/random.ts';
import { forward } from './router.ts';
import { MESH_GATEWAY, type RouteTable, type RouteTarget } from '../control-plane/route-table.ts';
import { listenOnLoopback, SocketTracker } from '../shared/sockets.ts';
import { ProxyStats } from './stats.ts';
import type { Endpoint } from '../control-plane/topology.ts';
import { UpstreamCluster } from './upstream-cluster.ts';
import type { ClientTls } from './upstream-pool.ts';
import { WorkerThreads } from './worker-threads.ts';

export interface OutboundProxyOptions {
  name: string;
  /** `sidecar`: routes for the `mesh` gateway; `gateway`: for every Gateway object in the config. */
  kind: 'sidecar' | 'gateway';
  namespace: string;
  certificate: IssuedCertificate;
  context: ProxyContext;
  /** Envoy worker threads (`concurrency`); Istio's default 2 when unset. */
  concurrency?: number;
}

interface ClusterEntry {
  key: string;
  cluster: UpstreamCluster;
}

export class OutboundProxy {
  readonly stats = new ProxyStats();
  servedVersion = 0;
  port = 0;
  private readonly server: http.Server;
  private readonly sockets = new SocketTracker();
  private snapshot?: MeshSnapshot;
  private routes?: RouteTable;
  private readonly clusters = new Map<string, ClusterEntry>();
  private readonly routeRandom;
  private readonly faultRandom;
  private readonly backoffRandom;
  private readonly balancerRandom;
  private readonly workers: WorkerThreads;
  private statPrefix = '';

  constructor(private readonly options: OutboundProxyOptions) {
    const seed = options.context.seed;
    this.routeRandom = streamFor(seed, `${options.name}/route-weights`);
    this.faultRandom = streamFor(seed, `${options.name}/fault`);
    this.backoffRandom = streamFor(seed, `${options.name}/backoff`);
    this.balancerRandom = streamFor(seed, `${options.name}/load-balancer`);
    this.workers = new WorkerThreads(options.concurrency, streamFor(seed, `${options.name}/workers`));
    this.server = http.createServer({ noDelay: true, keepAliveTimeout: 3_600_000 }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        sendLocalReply(res, 500, `internal proxy error: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    this.server.keepAliveTimeout = 3_600_000;
    this.sockets.track(this.server);
    this.server.on('connection', (socket) => this.workers.accept(socket));
  }

  get name(): string {
    return this.options.name;
  }

  async start(): Promise<void> {
    this.port = await listenOnLoopback(this.server);
    this.statPrefix = this.options.kind === 'sidecar' ? 'http.outbound_0.0.0.0_80.' : 'http.http.8080.';
  }

  /** Takes a new configuration; acknowledged (servedVersion) once the routes and clusters use it. */
  update(snapshot: MeshSnapshot): void {
    setImmediate(() => {
      if (this.snapshot && this.snapshot.version >= snapshot.version) return;
      this.snapshot = snapshot;
      const gateways =
        this.options.kind === 'sidecar' ? [MESH_GATEWAY] : snapshot.config.gateways.map((g) => `${g.metadata.namespace ?? 'default'}/${g.metadata.name}`);
      this.routes = this.options.context.routeTable(snapshot, gateways, this.options.namespace);
      // Clusters whose policy, endpoints or TLS changed are rebuilt; the rest keep their state.
      for (const [name, entry] of this.clusters) {
        if (this.clusterKey(name, snapshot) !== entry.key) {
          entry.cluster.retire();
          this.clusters.delete(name);
        }
      }
      this.servedVersion = snapshot.version;
    });
  }

  private policyFor(target: Pick<RouteTarget, 'host' | 'subset' | 'service'>, snapshot: MeshSnapshot): ClusterPolicy {
    return resolveClusterPolicy({ config: snapshot.config, host: target.host, subset: target.subset, service: target.service, proxyNamespace: this.options.namespace });
  }

  private clusterKey(name: string, snapshot: MeshSnapshot): string {
    const [, port, subset, host] = name.split('|');
    const service = this.options.context.topology.byFqdn(host, Number(port));
    const policy = this.policyFor({ host, subset: subset || undefined, service }, snapshot);
    const tls = (policy.endpoints ?? []).map((e) => `${e.id}:${this.upstreamTlsMode(e, policy, snapshot)}`);
    return JSON.stringify({ policy, tls });
  }

  private upstreamTlsMode(endpoint: Endpoint, policy: ClusterPolicy, snapshot: MeshSnapshot): 'mtls' | 'plaintext' | 'simple' {
    if (policy.tlsOverride) return policy.tlsOverride;
    // Auto mTLS: mutual TLS to endpoints with a sidecar, unless their policy disables it.
    return endpoint.sidecar && snapshot.serverMode(endpoint) !== 'DISABLE' ? 'mtls' : 'plaintext';
  }

  private cluster(target: RouteTarget, snapshot: MeshSnapshot): UpstreamCluster | undefined {
    const existing = this.clusters.get(target.clusterName);
    if (existing) return existing.cluster;
    const policy = this.policyFor(target, snapshot);
    if (!policy.endpoints) return undefined;
    const { certificate, context } = this.options;
    const sni = `outbound_.${target.port}_.${target.subset ?? ''}_.${target.host}`;
    const cluster = new UpstreamCluster({
      name: target.clusterName,
      policy,
      endpoints: policy.endpoints,
      stats: this.stats,
      workers: this.workers.count,
      random: this.balancerRandom,
      tlsFor: (endpoint): ClientTls | undefined => {
        const mode = this.upstreamTlsMode(endpoint, policy, snapshot);
        if (mode === 'plaintext') return undefined;
        if (mode === 'simple') return { ca: context.ca, servername: sni };
        return { ca: context.ca, cert: certificate.certPem, key: certificate.keyPem, expectedSpiffeId: endpoint.spiffeId, servername: sni };
      },
    });
    this.clusters.set(target.clusterName, { key: this.clusterKey(target.clusterName, snapshot), cluster });
    return cluster;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const stats = this.stats;
    stats.inc(`${this.statPrefix}downstream_rq_total`);
    const { authority, path } = requestTarget(req);
    const method = req.method ?? 'GET';
    const log = downstreamRequestLog({ log: this.options.context.accessLog, stats, statPrefix: this.statPrefix, proxy: this.name, request: { method, path, authority }, startedAt });

    const body = await readBody(req);
    if (body === undefined) {
      sendLocalReply(res, 413, 'payload too large');
      log(413, [], 0);
      return;
    }
    const snapshot = this.snapshot;
    const routes = this.routes;
    const decision = snapshot && routes ? routes.route({ authority, path, method, headers: req.headers }, this.routeRandom) : { kind: 'no-route' as const };
    if (decision.kind === 'no-route' || !snapshot) {
      stats.inc(`${this.statPrefix}no_route`);
      sendLocalReply(res, 404, '');
      log(404, ['NR'], 0);
      return;
    }
    const { route, target } = decision;
    const flags: string[] = [];

    const fault = route.http?.fault;
    const delayMs = decideDelay(fault, this.faultRandom);
    if (delayMs > 0) {
      flags.push('DI');
      stats.inc(`${this.statPrefix}fault.delays_injected`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (res.destroyed) {
        log(0, [...flags, 'DC'], 0);
        return;
      }
    }
    const abortStatus = decideAbort(fault, this.faultRandom);
    if (abortStatus !== undefined) {
      stats.inc(`${this.statPrefix}fault.aborts_injected`);
      sendLocalReply(res, abortStatus, FAULT_ABORT_BODY);
      log(abortStatus, [...flags, 'FI'], 0);
      return;
    }

    const cluster = this.cluster(target, snapshot);
    if (!cluster) {
      // Envoy: the route names a cluster (host or subset) it does not know.
      stats.inc(`${this.statPrefix}no_cluster`);
      sendLocalReply(res, 503, '');
      log(503, [...flags, 'NC'], 0, { upstreamCluster: target.clusterName });
      return;
    }
    const cancellation = new Cancellation();
    res.once('close', () => {
      if (!res.writableFinished) cancellation.abort();
    });
    const headers = forwardableHeaders(req.headers);
    headers.host = authority;
    headers['x-forwarded-proto'] = 'http';
    headers['x-request-id'] ??= randomUUID();
    headers['content-length'] = String(body.length);
    const result = await forward({
      cluster,
      retryPolicy: route.retryPolicy,
      timeoutMs: route.timeoutMs,
      request: { method, path, headers, body },
      random: this.backoffRandom,
      stats,
      signal: cancellation,
      attemptCountHeader: true,
      worker: this.workers.of(req.socket),
    });
    const upstream = { upstreamHost: result.endpoint?.id, upstreamCluster: target.clusterName };
    flags.push(...result.flags);
    if (result.response) {
      const status = result.response.statusCode ?? 502;
      await relayResponse(res, result.response, { 'x-envoy-upstream-service-time': String(Date.now() - startedAt) });
      log(status, flags, result.attempts, upstream);
      return;
    }
    const local = result.local ?? { status: 503, body: '' };
    if (local.status === 0) res.destroy();
    else sendLocalReply(res, local.status, local.body, local.headers);
    log(local.status, flags, result.attempts, upstream);
  }

  async stop(): Promise<void> {
    await this.sockets.closeServer(this.server);
    for (const entry of this.clusters.values()) entry.cluster.destroy();
    this.clusters.clear();
  }
}

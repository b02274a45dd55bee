/**
 * The inbound side of a workload replica's Envoy. One listener takes both mutual TLS and
 * plaintext, told apart by the first byte (0x16 = TLS handshake), and enforces the
 * replica's PeerAuthentication mode (mesh-semantics §6): under STRICT a plaintext
 * connection is closed without any HTTP response, under DISABLE a TLS one is. mTLS is
 * real TLS: the client must present a certificate from the mesh CA and its SPIFFE
 * identity is recorded (access log, `x-forwarded-client-cert` to the app). Requests go to
 * the app replica over a keep-alive pool; in Istio 1.24+ the inbound side retries twice
 * when the app connection resets before the request was sent.
 */
import type { X509Certificate } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { Cancellation } from './cancellation.ts';
import type { IssuedCertificate } from '../control-plane/certificates.ts';
import { spiffeIdFromSubjectAltName } from '../control-plane/certificates.ts';
import { resolvePoolLimits } from '../control-plane/destination-policy.ts';
import { downstreamRequestLog } from './access-log.ts';
import { forwardableHeaders, readBody, relayResponse, requestTarget, sendLocalReply } from './http-util.ts';
import type { MeshSnapshot, ProxyContext } from './proxy-context.ts';
import { streamFor } from '../shared/random.ts';
import type { RetryPolicy } from '../control-plane/retry-policy.ts';
import { forward } from './router.ts';
import { listenOnLoopback, SocketTracker } from '../shared/sockets.ts';
import { ProxyStats } from './stats.ts';
import type { Endpoint } from '../control-plane/topology.ts';
import { UpstreamCluster } from './upstream-cluster.ts';
import { WorkerThreads } from './worker-threads.ts';

const TLS_HANDSHAKE_RECORD = 0x16;
const INBOUND_LISTENER = 'listener.0.0.0.0_15006.';

/** Istio 1.24+ inbound retry policy: reset-before-request only, 2 retries. */
const INBOUND_RETRIES: RetryPolicy = {
  numRetries: 2,
  retryOn: new Set(['reset-before-request']),
  retriableStatusCodes: [],
  backoffBaseMs: 25,
  backoffMaxMs: 250,
};

interface PeerIdentity {
  /** SPIFFE URI SAN of the client certificate. */
  id?: string;
  /** Hex SHA-256 of the certificate's DER, as Envoy puts in `x-forwarded-client-cert`. */
  hash: string;
}

function certificateHash(cert: X509Certificate): string {
  // `fingerprint256` is that digest, printed as colon-separated upper-case bytes.
  return cert.fingerprint256.replaceAll(':', '').toLowerCase();
}

export interface ServerSidecarOptions {
  endpoint: Omit<Endpoint, 'port'>;
  appPort: number;
  certificate: IssuedCertificate;
  context: ProxyContext;
}

export class ServerSidecar {
  readonly stats = new ProxyStats();
  servedVersion = 0;
  port = 0;
  private readonly listener: net.Server;
  private readonly http: http.Server;
  private readonly sockets = new SocketTracker();
  private readonly secureContext: tls.SecureContext;
  private readonly app: UpstreamCluster;
  private readonly backoffRandom;
  private readonly workers: WorkerThreads;
  private snapshot?: MeshSnapshot;
  private readonly peerIds = new WeakMap<tls.TLSSocket, PeerIdentity>();
  private readonly statPrefix: string;

  constructor(private readonly options: ServerSidecarOptions) {
    const { endpoint, certificate, context } = options;
    this.backoffRandom = streamFor(context.seed, `${endpoint.id}/inbound-backoff`);
    this.workers = new WorkerThreads(endpoint.workload.proxyConcurrency, streamFor(context.seed, `${endpoint.id}/workers`));
    // A session id context lets OpenSSL resume sessions whose client certificate was verified
    // (without it, resumption attempts end in an "internal error" alert).
    this.secureContext = tls.createSecureContext({ ca: context.ca, cert: certificate.certPem, key: certificate.keyPem, sessionIdContext: 'mesh-inbound' });
    this.statPrefix = `http.inbound_0.0.0.0_${endpoint.workload.targetPort}.`;
    const appEndpoint: Endpoint = { ...endpoint, id: `${endpoint.id}/app`, sidecar: false, port: options.appPort };
    this.app = new UpstreamCluster({
      name: `inbound|${endpoint.workload.targetPort}||`,
      policy: { limits: resolvePoolLimits(undefined), loadBalancer: 'LEAST_REQUEST' },
      endpoints: [appEndpoint],
      stats: this.stats,
      workers: this.workers.count,
      random: streamFor(context.seed, `${endpoint.id}/inbound-load-balancer`),
      tlsFor: () => undefined,
    });
    this.http = http.createServer({ noDelay: true, keepAliveTimeout: 3_600_000 }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => sendLocalReply(res, 500, `internal proxy error: ${error instanceof Error ? error.message : String(error)}`));
    });
    this.http.keepAliveTimeout = 3_600_000;
    this.listener = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.sockets.track(this.listener);
  }

  get name(): string {
    return this.options.endpoint.id;
  }

  async start(): Promise<void> {
    this.port = await listenOnLoopback(this.listener);
  }

  update(snapshot: MeshSnapshot): void {
    setImmediate(() => {
      if (this.snapshot && this.snapshot.version >= snapshot.version) return;
      this.snapshot = snapshot;
      this.servedVersion = snapshot.version;
    });
  }

  private mode() {
    return this.snapshot ? this.snapshot.serverMode({ ...this.options.endpoint, port: this.port }) : 'PERMISSIVE';
  }

  private accept(socket: net.Socket): void {
    this.stats.inc(`${INBOUND_LISTENER}downstream_cx_total`);
    this.workers.accept(socket);
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const isTls = first[0] === TLS_HANDSHAKE_RECORD;
      const mode = this.mode();
      if ((isTls && mode === 'DISABLE') || (!isTls && mode === 'STRICT')) {
        // No filter chain accepts this transport (mesh-semantics §6): Envoy drops the connection
        // with the request unread, which the kernel turns into a TCP RST ("connection reset by
        // peer", k6 1220), and logs it with flag NR, no HTTP answer.
        this.stats.inc(`${INBOUND_LISTENER}no_filter_chain_match`);
        if (!isTls) this.stats.inc(`${INBOUND_LISTENER}plaintext_rejected_strict`);
        this.options.context.accessLog.push({
          time: new Date().toISOString(),
          proxy: this.name,
          method: '-',
          path: '-',
          authority: '-',
          status: 0,
          flags: 'NR',
          attempts: 0,
          durationMs: 0,
        });
        socket.resetAndDestroy();
        return;
      }
      if (!isTls) {
        this.http.emit('connection', socket);
        socket.resume();
        return;
      }
      const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: this.secureContext, requestCert: true, rejectUnauthorized: true });
      this.workers.inherit(secure, socket);
      this.sockets.add(secure);
      secure.on('error', () => {
        this.stats.inc('ssl.connection_error');
        secure.destroy();
      });
      secure.once('secure', () => {
        this.stats.inc('ssl.handshake');
        if (secure.isSessionReused()) this.stats.inc('ssl.session_reused');
      });
      this.http.emit('connection', secure);
    });
  }

  /**
   * The verified client identity of a TLS connection, read once per connection on its first
   * request. `getPeerX509Certificate()` only wraps the certificate OpenSSL already holds (on
   * resumed sessions too); `getPeerCertificate()` converts every field into a JS object,
   * public key included, which cost more than the rest of the request in profiles.
   */
  private peerOf(socket: net.Socket): PeerIdentity | undefined {
    if (!(socket instanceof tls.TLSSocket)) return undefined;
    let peer = this.peerIds.get(socket);
    if (!peer) {
      const cert = socket.getPeerX509Certificate();
      peer = cert ? { id: spiffeIdFromSubjectAltName(cert.subjectAltName), hash: certificateHash(cert) } : { hash: '' };
      this.peerIds.set(socket, peer);
    }
    return peer;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const stats = this.stats;
    stats.inc(`${this.statPrefix}downstream_rq_total`);
    const peer = this.peerOf(req.socket);
    const method = req.method ?? 'GET';
    const { authority, path } = requestTarget(req);
    const log = downstreamRequestLog({
      log: this.options.context.accessLog,
      stats,
      statPrefix: this.statPrefix,
      proxy: this.name,
      request: { method, path, authority },
      startedAt,
      extra: { upstreamHost: `${this.name}/app`, upstreamCluster: this.app.name, ...(peer?.id && { peerIdentity: peer.id }) },
    });
    const body = await readBody(req);
    if (body === undefined) {
      sendLocalReply(res, 413, 'payload too large');
      log(413, [], 0);
      return;
    }
    const headers = forwardableHeaders(req.headers);
    delete headers['x-forwarded-client-cert'];
    if (peer?.id) headers['x-forwarded-client-cert'] = `By=${this.options.certificate.spiffeId};Hash=${peer.hash};Subject="";URI=${peer.id}`;
    headers['content-length'] = String(body.length);
    const cancellation = new Cancellation();
    res.once('close', () => {
      if (!res.writableFinished) cancellation.abort();
    });
    const result = await forward({
      cluster: this.app,
      retryPolicy: this.options.context.profile === 'istio-1.22' ? undefined : INBOUND_RETRIES,
      request: { method, path, headers, body },
      random: this.backoffRandom,
      stats,
      signal: cancellation,
      attemptCountHeader: false,
      worker: this.workers.of(req.socket),
    });
    if (result.response) {
      const status = result.response.statusCode ?? 502;
      await relayResponse(res, result.response, { server: 'istio-envoy', 'x-envoy-upstream-service-time': String(Date.now() - startedAt) });
      log(status, result.flags, result.attempts);
      return;
    }
    const local = result.local ?? { status: 503, body: '' };
    if (local.status === 0) res.destroy();
    else sendLocalReply(res, local.status, local.body, local.headers);
    log(local.status, result.flags, result.attempts);
  }

  async stop(): Promise<void> {
    await this.sockets.closeServer(this.listener);
    this.http.close();
    this.app.destroy();
  }
}

/**
 * A featureless proxy chain laid out as the local mesh is, for perf/proxy-floor.ts: a
 * client proxy on a worker thread, mutual TLS to a server proxy, which forwards to an app
 * answering 200 "ok"; server proxy and app share the main thread. No routing, retries,
 * timeouts, pools' limits, stats or logs: what is left is the cost of the transport, the
 * lowest a sidecar built this way could go.
 *
 *   node-http   Node's http/https modules, as the mesh's sidecars use them;
 *   raw-socket  HTTP/1.1 framed by hand on net/tls sockets (content-length bodies only),
 *               as the embedded k6 runtime's client does.
 *
 * Run as a child process: prints `{"client":port,"app":port}` once listening; ends on
 * SIGTERM or when its stdin closes.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CertificateAuthority, type IssuedCertificate } from '../harness/mesh/control-plane/certificates.ts';
import { startTsWorker } from '../harness/mesh/process/ts-worker.ts';

export type ChainKind = 'node-http' | 'raw-socket';

interface Credentials {
  ca: string;
  certificate: IssuedCertificate;
}

interface ClientProxyData {
  kind: ChainKind;
  upstreamPort: number;
  credentials: Credentials;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function serverTls({ ca, certificate }: Credentials): tls.TlsOptions {
  return { ca, cert: certificate.certPem, key: certificate.keyPem, requestCert: true, rejectUnauthorized: true };
}

/** The certificates carry SPIFFE URIs only: identity is the CA's signature here. */
function clientTls({ ca, certificate }: Credentials): tls.ConnectionOptions {
  return { ca, cert: certificate.certPem, key: certificate.keyPem, checkServerIdentity: () => undefined };
}

// --- node-http: the mesh's own building blocks, without its features --------------------

function nodeHttpServerProxy(credentials: Credentials, appPort: number): net.Server {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  return https.createServer(serverTls(credentials), (req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: appPort, method: req.method, path: req.url, headers: req.headers, agent }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    req.pipe(upstream);
  });
}

function nodeHttpClientProxy(credentials: Credentials, upstreamPort: number): net.Server {
  const agent = new https.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, ...clientTls(credentials) });
  return http.createServer((req, res) => {
    const upstream = https.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    req.pipe(upstream);
  });
}

// --- raw-socket: HTTP/1.1 framing by hand --------------------------------------------

const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

/** Splits a byte stream into messages (head without its blank line, body); content-length bodies only. */
function messageFramer(onMessage: (head: string, body: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer | undefined;
  return (chunk) => {
    let buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = undefined;
    for (;;) {
      const end = buffer.indexOf(HEAD_END);
      if (end < 0) break;
      const head = buffer.toString('latin1', 0, end);
      const length = Number(CONTENT_LENGTH.exec(head)?.[1] ?? 0);
      const total = end + HEAD_END.length + length;
      if (buffer.length < total) break;
      onMessage(head, buffer.subarray(end + HEAD_END.length, total));
      buffer = buffer.subarray(total);
    }
    if (buffer.length > 0) pending = buffer;
  };
}

interface UpstreamConnection {
  socket: net.Socket;
  onResponse?: (head: string, body: Buffer) => void;
}

/** Keep-alive upstream connections, one request at a time each. */
function rawPool(connect: () => net.Socket): (send: (connection: UpstreamConnection) => void) => void {
  const idle: UpstreamConnection[] = [];
  return (send) => {
    const reused = idle.pop();
    if (reused) return send(reused);
    const connection: UpstreamConnection = { socket: connect() };
    connection.socket.setNoDelay(true);
    connection.socket.on('error', () => connection.socket.destroy());
    connection.socket.on(
      'data',
      messageFramer((head, body) => {
        const deliver = connection.onResponse;
        connection.onResponse = undefined;
        idle.push(connection);
        deliver?.(head, body);
      }),
    );
    send(connection);
  };
}

/** Forwards each downstream request in turn (HTTP/1.1 answers in order), adding one header as a sidecar would. */
function rawForwarder(pool: ReturnType<typeof rawPool>, addedHeader: string): (socket: net.Socket) => void {
  return (socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    const queue: [string, Buffer][] = [];
    let busy = false;
    const next = () => {
      if (busy) return;
      const request = queue.shift();
      if (!request) return;
      busy = true;
      pool((upstream) => {
        upstream.onResponse = (head, body) => {
          socket.write(Buffer.concat([Buffer.from(`${head}\r\nserver: floor\r\n\r\n`, 'latin1'), body]));
          busy = false;
          next();
        };
        upstream.socket.write(Buffer.concat([Buffer.from(`${request[0]}\r\n${addedHeader}\r\n\r\n`, 'latin1'), request[1]]));
      });
    };
    socket.on(
      'data',
      messageFramer((head, body) => {
        queue.push([head, body]);
        next();
      }),
    );
  };
}

function rawServerProxy(credentials: Credentials, appPort: number): net.Server {
  const pool = rawPool(() => net.connect(appPort, '127.0.0.1'));
  return tls.createServer(serverTls(credentials), rawForwarder(pool, 'x-forwarded-client-cert: floor'));
}

function rawClientProxy(credentials: Credentials, upstreamPort: number): net.Server {
  const context = tls.createSecureContext(clientTls(credentials));
  const pool = rawPool(() => tls.connect({ host: '127.0.0.1', port: upstreamPort, secureContext: context, checkServerIdentity: () => undefined }));
  return net.createServer(rawForwarder(pool, 'x-request-id: floor'));
}

// --- process layout ------------------------------------------------------------------

function app(): http.Server {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  server.keepAliveTimeout = 3_600_000;
  return server;
}

async function main(kind: ChainKind): Promise<void> {
  const authority = new CertificateAuthority();
  const credentials = (serviceAccount: string): Credentials => ({ ca: authority.caPem, certificate: authority.issue({ namespace: 'perf', serviceAccount }) });
  const appPort = await listen(app());
  const server = kind === 'node-http' ? nodeHttpServerProxy(credentials('server'), appPort) : rawServerProxy(credentials('server'), appPort);
  const serverPort = await listen(server);
  const data: ClientProxyData = { kind, upstreamPort: serverPort, credentials: credentials('client') };
  const worker = startTsWorker(new URL(import.meta.url), data);
  const clientPort = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  process.stdout.write(`${JSON.stringify({ client: clientPort, app: appPort })}\n`);
  // Ends with its parent, whose end closes this stdin, even when it could not send a signal.
  process.stdin.on('end', () => process.exit(0)).resume();
}

if (isMainThread) {
  const kind = process.argv[2];
  if (kind !== 'node-http' && kind !== 'raw-socket') throw new Error('usage: proxy-floor-chain.ts node-http|raw-socket');
  await main(kind);
} else {
  const { kind, upstreamPort, credentials } = workerData as ClientProxyData;
  const proxy = kind === 'node-http' ? nodeHttpClientProxy(credentials, upstreamPort) : rawClientProxy(credentials, upstreamPort);
  parentPort?.postMessage(await listen(proxy));
}

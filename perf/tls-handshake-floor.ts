/**
 * What one resumed TLS 1.3 mutual-TLS handshake costs Node itself, with no proxy around
 * it: client and server in one process, the mesh's CA and leaf certificates, the server
 * asking for the client's certificate as a sidecar does, the client offering the last
 * session as the mesh's upstream pool does. Each connection carries one byte and closes.
 * The figure is the CPU of both ends per handshake (connection set-up and teardown
 * included): a floor under what the mesh pays for every reconnect, which explains how many
 * reconnects a second two cores can take (perf/mesh-retries-lab.ts).
 */
import net from 'node:net';
import tls from 'node:tls';
import { CertificateAuthority } from '../harness/mesh/control-plane/certificates.ts';

const WARM_UP = 100;
const MEASURED = 500;

export interface HandshakeFloor {
  cpuMsPerHandshake: number;
  handshakes: number;
  resumed: number;
}

export async function measureHandshakeFloor(): Promise<HandshakeFloor> {
  const ca = new CertificateAuthority();
  const client = ca.issue({ namespace: 'floor', serviceAccount: 'client' });
  const server = ca.issue({ namespace: 'floor', serviceAccount: 'server' });
  const serverContext = tls.createSecureContext({ ca: ca.caPem, cert: server.certPem, key: server.keyPem, sessionIdContext: 'floor' });
  const clientContext = tls.createSecureContext({ ca: ca.caPem, cert: client.certPem, key: client.keyPem });
  const listener = net.createServer((raw) => {
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: serverContext, requestCert: true, rejectUnauthorized: true });
    secure.on('secure', () => secure.end('x'));
    secure.on('error', () => {});
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as net.AddressInfo).port;
  let session: Buffer | undefined;
  let resumed = 0;
  const connectOnce = () =>
    new Promise<void>((resolve) => {
      // The certificates name no host: identity is the SPIFFE URI, checked by the mesh elsewhere.
      const socket = tls.connect({ host: '127.0.0.1', port, secureContext: clientContext, session, checkServerIdentity: () => undefined });
      socket.on('session', (next: Buffer) => (session = next));
      socket.on('secureConnect', () => (resumed += socket.isSessionReused() ? 1 : 0));
      socket.on('data', () => {});
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
  try {
    for (let i = 0; i < WARM_UP; i++) await connectOnce();
    resumed = 0;
    const before = process.cpuUsage();
    for (let i = 0; i < MEASURED; i++) await connectOnce();
    const used = process.cpuUsage(before);
    return { cpuMsPerHandshake: (used.user + used.system) / 1000 / MEASURED, handshakes: MEASURED, resumed };
  } finally {
    listener.close();
  }
}

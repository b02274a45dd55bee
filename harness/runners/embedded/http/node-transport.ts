/**
 * HTTPS requests through Node's https module and a per-VU keep-alive Agent, with the
 * TLS handshake measured separately (http_req_tls_handshaking). Plain HTTP takes the
 * leaner path in http1-transport.ts.
 */
import type http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { classifyNetworkError, DIAL_TIMEOUT, type K6NetworkError, REQUEST_TIMEOUT } from './error-codes.ts';
import type { Timings, TransportRequest, TransportResponse } from './transport.ts';

const CONNECT_TIMEOUT_MS = 30_000;

export function sendWithNode(request: TransportRequest): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let socketAt = 0;
    let connectedAt = 0;
    let tlsAt = 0;
    let sentAt = 0;
    let firstByteAt = 0;
    let socket: Socket | undefined;
    let readBase = 0;
    let writtenBase = 0;
    let settled = false;
    let response: http.IncomingMessage | undefined;
    const chunks: Buffer[] = [];

    const req = https.request({
      method: request.method,
      host: request.url.hostname.replace(/^\[|\]$/g, ''),
      port: request.url.port || 443,
      path: request.url.pathname + request.url.search,
      headers: request.headers,
      agent: request.connections.https,
    });

    const finish = (error?: K6NetworkError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.interrupt.removeEventListener('abort', onInterrupt);
      const end = performance.now();
      const connected = tlsAt || connectedAt || socketAt || end;
      const sent = sentAt || connected;
      const headersAt = firstByteAt || end;
      const hasResponse = response !== undefined && error === undefined;
      const timings: Timings = {
        blocked: (socketAt || end) - start,
        connecting: connectedAt ? connectedAt - socketAt : 0,
        tls_handshaking: tlsAt ? tlsAt - connectedAt : 0,
        sending: Math.max(0, sent - connected),
        waiting: Math.max(0, headersAt - sent),
        receiving: Math.max(0, end - headersAt),
        duration: 0,
      };
      timings.duration = timings.sending + timings.waiting + timings.receiving;
      resolve({
        status: hasResponse ? (response?.statusCode ?? 0) : 0,
        statusText: hasResponse ? `${response?.statusCode} ${response?.statusMessage ?? ''}`.trim() : '',
        proto: hasResponse ? `HTTP/${response?.httpVersion}` : '',
        rawHeaders: hasResponse ? responseHeaders(response as http.IncomingMessage) : {},
        body: hasResponse && !request.discardBody ? Buffer.concat(chunks) : null,
        timings,
        error,
        bytesSent: socket ? socket.bytesWritten - writtenBase : 0,
        bytesReceived: socket ? socket.bytesRead - readBase : 0,
        remoteIp: socket?.remoteAddress ?? '',
        remotePort: socket?.remotePort ?? 0,
      });
    };

    const onInterrupt = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(request.interrupt.reason);
    };
    if (request.interrupt.aborted) {
      onInterrupt();
      return;
    }
    request.interrupt.addEventListener('abort', onInterrupt, { once: true });

    const timer = setTimeout(() => {
      // Still dialing after the connect budget is a dial timeout; anything else a request timeout.
      const error = socket?.connecting && request.timeoutMs >= CONNECT_TIMEOUT_MS ? DIAL_TIMEOUT : REQUEST_TIMEOUT;
      finish(error);
      req.destroy();
    }, request.timeoutMs);

    req.on('socket', (s: Socket) => {
      socket = s;
      socketAt = performance.now();
      readBase = s.bytesRead;
      writtenBase = s.bytesWritten;
      if (s.connecting) {
        s.once('connect', () => {
          connectedAt = performance.now();
        });
        s.once('secureConnect', () => {
          tlsAt = performance.now();
        });
      }
    });
    req.on('finish', () => {
      sentAt = performance.now();
    });
    req.on('response', (res) => {
      firstByteAt = performance.now();
      response = res;
      if (request.discardBody) res.on('data', () => {});
      else res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish());
      res.on('error', (error: NodeJS.ErrnoException) => finish(classifyNetworkError(error)));
      res.on('aborted', () => finish({ code: 1000, message: 'unexpected EOF' }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish(classifyNetworkError(error)));
    req.end(request.body);
  });
}

function responseHeaders(res: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

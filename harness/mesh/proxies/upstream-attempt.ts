/**
 * One upstream try over a leased connection, reporting what happened the way Envoy's
 * router classifies it: a response, a connect failure (TCP refused or TLS handshake
 * failed), or a reset (before or after the request was written). `abort()` is how a
 * timeout, a downstream disconnect or a retried response with a body abandons the try
 * (the connection is closed, as Envoy closes an HTTP/1.1 connection whose stream it resets).
 */
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AttemptOutcome } from '../control-plane/retry-policy.ts';
import type { Lease } from './upstream-pool.ts';

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

export interface AttemptResult {
  outcome: AttemptOutcome;
  response?: http.IncomingMessage;
}

export interface AttemptHandle {
  done: Promise<AttemptResult>;
  /** Resolves once the connection is ready (TCP, and TLS when used): Envoy's onPoolReady, where the per-try timer starts. */
  ready: Promise<void>;
  abort(): void;
}

function grpcStatusOf(response: http.IncomingMessage): number | undefined {
  const value = response.headers['grpc-status'];
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

function retriableCodesHeader(headers: http.OutgoingHttpHeaders): number[] | undefined {
  const value = headers['x-envoy-retriable-status-codes'];
  if (typeof value !== 'string') return undefined;
  return value
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((n) => Number.isInteger(n));
}

export function startAttempt(lease: Lease, request: UpstreamRequest): AttemptHandle {
  let aborted = false;
  let connected = false;
  let written = false;
  let settle!: (result: AttemptResult) => void;
  const done = new Promise<AttemptResult>((resolve) => {
    settle = resolve;
  });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const onConnected = () => {
    connected = true;
    markReady();
  };
  const req = lease.request({ method: request.method, path: request.path, headers: request.headers });
  req.on('socket', (socket) => {
    if (!req.reusedSocket) socket.setNoDelay(true);
    const tls = (socket as TLSSocket).encrypted === true;
    if (req.reusedSocket || (!socket.connecting && (!tls || (socket as TLSSocket).authorized))) onConnected();
    else socket.once(tls ? 'secureConnect' : 'connect', onConnected);
  });
  req.on('finish', () => (written = true));
  req.on('response', (response) => {
    // A body cut short (upstream reset mid-body) must not crash the proxy when nobody reads it (retried responses).
    response.on('error', () => {});
    settle({ outcome: { kind: 'response', status: response.statusCode ?? 502, grpcStatus: grpcStatusOf(response), requestRetriableCodes: retriableCodesHeader(request.headers) }, response });
  });
  req.on('error', (error: NodeJS.ErrnoException) => {
    if (aborted) return;
    if (!connected) {
      const tlsFailure = error.code?.startsWith('ERR_TLS') || error.code?.startsWith('ERR_SSL') || /certificate|ssl|tls|identity/i.test(error.message);
      settle({ outcome: { kind: 'connect-failure', reason: tlsFailure ? `connection failure, transport failure reason: TLS error: ${error.message}` : 'connection failure' } });
    } else {
      settle({ outcome: { kind: 'reset', beforeRequest: !written, reason: 'connection termination' } });
    }
  });
  req.end(request.body.length > 0 ? request.body : undefined);
  return {
    done,
    ready,
    abort: () => {
      if (aborted) return;
      aborted = true;
      req.destroy();
      lease.resetLocally();
    },
  };
}

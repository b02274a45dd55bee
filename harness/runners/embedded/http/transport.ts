/**
 * One HTTP request with k6's timing breakdown and error codes. Each VU owns its
 * connections (k6 keeps a transport per VU), so keep-alive connections are reused across
 * that VU's iterations. Plain HTTP (direct, or through the proxy in absolute form as k6
 * does with HTTP_PROXY) goes over raw sockets; HTTPS through Node's https module.
 */
import type https from 'node:https';
import type { K6NetworkError } from './error-codes.ts';
import type { Http1Pool } from './http1-pool.ts';
import { sendHttp1, startHttp1 } from './http1-transport.ts';
import { sendWithNode } from './node-transport.ts';

/** A VU's connections. */
export interface VuConnections {
  http1: Http1Pool;
  https: https.Agent;
}

export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  /** 'none' reads and discards the body (k6 `responseType: 'none'`). */
  discardBody: boolean;
  connections: VuConnections;
  /** Proxy for http:// URLs; https:// goes direct. */
  proxy?: URL;
  /** Hard stop of the VU: the request is torn down and the promise rejects with the reason. */
  interrupt: AbortSignal;
}

export interface Timings {
  duration: number;
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
}

export interface TransportResponse {
  status: number;
  statusText: string;
  proto: string;
  /** Lower-case names; K6Response shows them in Go's canonical form on first read. */
  rawHeaders: Record<string, string>;
  body: Buffer | null;
  timings: Timings;
  error?: K6NetworkError;
  bytesSent: number;
  bytesReceived: number;
  remoteIp: string;
  remotePort: number;
}

/** Go's canonical header form (`content-type` → `Content-Type`), which k6 scripts see. */
export function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

export function send(request: TransportRequest): Promise<TransportResponse> {
  if (request.url.protocol === 'https:') return sendWithNode(request);
  return sendHttp1(request, request.connections.http1);
}

/** Where a request started with `startSend` reports: the response (k6 errors included), or a rejection (interrupt). */
export interface ResponseHandler {
  received(response: TransportResponse): void;
  failed(reason: unknown): void;
}

/** `send` reporting to a handler object: plain HTTP then costs no promise or closure per request. */
export function startSend(request: TransportRequest, handler: ResponseHandler): void {
  if (request.url.protocol === 'https:') {
    sendWithNode(request).then(
      (response) => handler.received(response),
      (reason: unknown) => handler.failed(reason),
    );
  } else startHttp1(request, request.connections.http1, handler);
}

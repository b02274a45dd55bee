/**
 * One `k6/http` call in flight: receives the transport's response, emits k6's HTTP
 * samples with their tags, and settles the script's promise with the k6 Response. An
 * object with methods rather than closures, since one is made per request.
 */
import { errorCodeForStatus } from '../http/error-codes.ts';
import { K6Response, type RequestInfo } from '../http/response.ts';
import type { ResponseHandler, TransportResponse } from '../http/transport.ts';
import type { ResponseCallback, Vu } from '../vu.ts';
import { type RequestTagInput, requestTags } from './request-tags.ts';

export interface Params {
  headers?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  timeout?: string | number;
  responseType?: 'text' | 'binary' | 'none';
  responseCallback?: ResponseCallback;
  redirects?: number;
}

export class HttpCall implements ResponseHandler {
  constructor(
    private readonly vu: Vu,
    private readonly request: RequestInfo,
    /** The group the request was made in (the script may leave it before the response). */
    private readonly groupPath: string,
    private readonly params: Params | undefined,
    private readonly binary: boolean,
    private readonly resolve: (response: K6Response) => void,
    private readonly reject: (reason: unknown) => void,
  ) {}

  received(raw: TransportResponse): void {
    try {
      const { vu, params, request } = this;
      const errorCode = raw.error ? raw.error.code : errorCodeForStatus(raw.status);
      const callback = params && 'responseCallback' in params ? (params.responseCallback ?? null) : vu.responseCallback;
      const expected = callback === null ? undefined : raw.error === undefined && callback({ status: raw.status });
      emitRequestMetrics(vu, raw, { raw, method: request.method, url: request.url, groupPath: this.groupPath, userTags: params?.tags, errorCode, expected });
      this.resolve(new K6Response({ raw, url: request.url, errorCode, binary: this.binary, request }));
    } catch (error) {
      this.reject(error);
    }
  }

  failed(reason: unknown): void {
    this.reject(reason);
  }
}

/** k6's per-request samples, all with one tag set (see request-tags.ts). */
function emitRequestMetrics(vu: Vu, raw: TransportResponse, input: RequestTagInput): void {
  const m = vu.run.builtin;
  vu.bytesSent += raw.bytesSent;
  vu.bytesReceived += raw.bytesReceived;
  const tags = requestTags(vu, input);
  const { registry } = vu.run;
  const t = raw.timings;
  registry.add(m.http_reqs, 1, tags);
  registry.add(m.http_req_duration, t.duration, tags);
  registry.add(m.http_req_blocked, t.blocked, tags);
  registry.add(m.http_req_connecting, t.connecting, tags);
  registry.add(m.http_req_tls_handshaking, t.tls_handshaking, tags);
  registry.add(m.http_req_sending, t.sending, tags);
  registry.add(m.http_req_waiting, t.waiting, tags);
  registry.add(m.http_req_receiving, t.receiving, tags);
  if (input.expected !== undefined) registry.add(m.http_req_failed, input.expected ? 0 : 1, tags);
}

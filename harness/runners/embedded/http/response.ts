/** The k6 Response object a script sees (status, body, headers, timings, error, ...). */
import { unsupportedApi } from '../errors.ts';
import { canonicalHeaderName, type Timings, type TransportResponse } from './transport.ts';

export interface RequestInfo {
  method: string;
  url: string;
  /** Lower-case names as sent. */
  rawHeaders: Record<string, string>;
  body: Buffer | undefined;
}

/** k6's `res.request`: headers as canonical name → [values], body as text; built on first read. */
class K6Request {
  constructor(private readonly info: RequestInfo) {}
  get method(): string {
    return this.info.method;
  }
  get url(): string {
    return this.info.url;
  }
  get headers(): Record<string, string[]> {
    const headers: Record<string, string[]> = {};
    for (const name in this.info.rawHeaders) headers[canonicalHeaderName(name)] = [this.info.rawHeaders[name]];
    return headers;
  }
  get body(): string {
    return this.info.body ? this.info.body.toString('utf8') : '';
  }
}

export class K6Response {
  readonly status: number;
  readonly status_text: string;
  readonly proto: string;
  readonly body: string | ArrayBuffer | null;
  readonly timings: Timings;
  readonly error: string;
  readonly error_code: number;
  readonly url: string;
  readonly remote_ip: string;
  readonly remote_port: number;
  private readonly requestInfo: RequestInfo;
  readonly cookies: Record<string, unknown[]> = {};
  readonly tls_version = '';
  readonly tls_cipher_suite = '';
  readonly ocsp = { status: 'unknown' };

  constructor(options: { raw: TransportResponse; url: string; request: RequestInfo; errorCode: number; binary: boolean }) {
    const { raw } = options;
    this.status = raw.status;
    this.status_text = raw.statusText;
    this.proto = raw.proto;
    this.rawHeaders = raw.rawHeaders;
    this.body = raw.body === null ? null : options.binary ? toArrayBuffer(raw.body) : raw.body.toString('utf8');
    this.timings = raw.timings;
    this.error = raw.error?.message ?? '';
    this.error_code = options.errorCode;
    this.url = options.url;
    this.remote_ip = raw.remoteIp;
    this.remote_port = raw.remotePort;
    this.requestInfo = options.request;
  }

  private readonly rawHeaders: Record<string, string>;

  get request(): K6Request {
    return new K6Request(this.requestInfo);
  }
  private canonicalHeaders?: Record<string, string>;

  /** Response headers in Go's canonical form (`Content-Type`), as k6 scripts see them. */
  get headers(): Record<string, string> {
    if (!this.canonicalHeaders) {
      this.canonicalHeaders = {};
      for (const name in this.rawHeaders) this.canonicalHeaders[canonicalHeaderName(name)] = this.rawHeaders[name];
    }
    return this.canonicalHeaders;
  }

  /** The body parsed as JSON; k6's gjson selectors are not supported. */
  json(selector?: string): unknown {
    if (selector !== undefined) throw unsupportedApi('Response.json(selector)');
    if (typeof this.body !== 'string') throw new Error('the response has no text body to parse as JSON');
    return JSON.parse(this.body);
  }

  html(): never {
    throw unsupportedApi('Response.html()');
  }

  submitForm(): never {
    throw unsupportedApi('Response.submitForm()');
  }

  clickLink(): never {
    throw unsupportedApi('Response.clickLink()');
  }
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/**
 * `k6/http` bound to one VU: the request functions (returning promises; see
 * pending-response.ts), batch, expectedStatuses/setResponseCallback, and the built-in
 * HTTP metrics with k6's tags for every request.
 */
import { parseDurationMs } from '../duration.ts';
import { unsupportedApi } from '../errors.ts';
import { PendingResponse } from '../http/pending-response.ts';
import type { K6Response } from '../http/response.ts';
import { startSend } from '../http/transport.ts';
import type { ResponseCallback, Vu } from '../vu.ts';
import { HttpCall, type Params } from './http-call.ts';

const DEFAULT_TIMEOUT_MS = 60_000;
const URL_CACHE_LIMIT = 256;
const USER_AGENT = 'resilience-bench embedded k6 runtime (k6/0.49 compatible)';

type Body = string | ArrayBuffer | ArrayBufferView | Record<string, unknown> | null | undefined;

/** k6's `http.expectedStatuses(200, {min: 300, max: 399})`. */
export function expectedStatuses(...specs: (number | { min: number; max: number })[]): ResponseCallback {
  for (const spec of specs) {
    const valid = typeof spec === 'number' ? Number.isInteger(spec) : typeof spec?.min === 'number' && typeof spec?.max === 'number';
    if (!valid) throw new Error(`expectedStatuses: ${JSON.stringify(spec)} is neither a status nor {min, max}`);
  }
  const callback = (response: { status: number }) =>
    specs.some((spec) => (typeof spec === 'number' ? response.status === spec : response.status >= spec.min && response.status <= spec.max));
  return callback;
}

const DEFAULT_EXPECTED = expectedStatuses({ min: 200, max: 399 });

export function createHttpModule(vu: Vu) {
  const run = vu.run;
  vu.responseCallback = DEFAULT_EXPECTED;

  /** Parsed URLs by their text: scripts request the same few URLs, and parsing is not free. Never mutated. */
  const urls = new Map<string, URL>();

  function parseUrl(urlText: string): URL {
    let parsed = urls.get(urlText);
    if (parsed) return parsed;
    try {
      parsed = new URL(urlText);
    } catch {
      throw new Error(`invalid URL "${urlText}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`unsupported protocol in URL "${urlText}"`);
    if (urls.size >= URL_CACHE_LIMIT) urls.clear();
    urls.set(urlText, parsed);
    return parsed;
  }

  /**
   * One request, reporting to callbacks rather than through promises of its own: at tens
   * of thousands of requests a second the promise chain was a visible share of the CPU.
   * Throws synchronously on invalid arguments.
   */
  function perform(method: string, url: unknown, body: Body, params: Params | undefined, resolve: (response: K6Response) => void, reject: (reason: unknown) => void): void {
    const urlText = String(url);
    const parsed = parseUrl(urlText);
    const group = vu.group;
    const headers: Record<string, string> = { 'user-agent': USER_AGENT };
    const payload = encodeBody(body, headers);
    if (params?.headers) for (const [name, value] of Object.entries(params.headers)) headers[name.toLowerCase()] = String(value);
    const timeoutMs = params?.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDurationMs(params.timeout, 'params.timeout');
    const responseType = params?.responseType ?? (run.options?.discardResponseBodies ? 'none' : 'text');
    if (params?.redirects !== undefined && params.redirects !== 0) throw unsupportedApi('params.redirects (following redirects)');

    const call = new HttpCall(vu, { method, url: urlText, rawHeaders: headers, body: payload }, group.path, params, responseType === 'binary', resolve, reject);
    startSend(
      {
        method,
        url: parsed,
        headers,
        body: payload,
        timeoutMs,
        discardBody: responseType === 'none',
        connections: vu.connections,
        proxy: parsed.protocol === 'http:' ? run.httpProxy : undefined,
        interrupt: vu.interrupt.signal,
      },
      call,
    );
  }

  function performAsync(method: string, url: unknown, body: Body, params: Params | undefined): Promise<K6Response> {
    return new Promise((resolve, reject) => perform(method, url, body, params, resolve, reject));
  }

  function request(method: string, url: unknown, body?: Body, params?: Params) {
    const upper = String(method).toUpperCase();
    return PendingResponse.start<K6Response>(`http.request('${upper}', ...)`, (resolve, reject) => perform(upper, url, body, params, resolve, reject));
  }

  function call(callName: string, method: string, url: unknown, body: Body, params: Params | undefined) {
    return PendingResponse.start<K6Response>(callName, (resolve, reject) => perform(method, url, body, params, resolve, reject));
  }

  async function batchAll(requests: unknown): Promise<unknown> {
    const entries: [string | number, unknown][] = Array.isArray(requests) ? requests.map((r, i) => [i, r]) : Object.entries(requests as object);
    const results: [string | number, K6Response][] = [];
    const limit = Math.max(1, run.options?.batch ?? 20);
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const [key, spec] = entries[next++];
        const { method, url, body, params } = batchSpec(spec);
        results.push([key, await performAsync(method, url, body, params)]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, entries.length) }, worker));
    if (Array.isArray(requests)) {
      const list: K6Response[] = new Array(entries.length);
      for (const [key, response] of results) list[key as number] = response;
      return list;
    }
    return Object.fromEntries(results);
  }

  const module = {
    get: (url: unknown, params?: Params) => call('http.get(...)', 'GET', url, null, params),
    head: (url: unknown, params?: Params) => call('http.head(...)', 'HEAD', url, null, params),
    post: (url: unknown, body?: Body, params?: Params) => call('http.post(...)', 'POST', url, body, params),
    put: (url: unknown, body?: Body, params?: Params) => call('http.put(...)', 'PUT', url, body, params),
    patch: (url: unknown, body?: Body, params?: Params) => call('http.patch(...)', 'PATCH', url, body, params),
    del: (url: unknown, body?: Body, params?: Params) => call('http.del(...)', 'DELETE', url, body, params),
    options: (url: unknown, body?: Body, params?: Params) => call('http.options(...)', 'OPTIONS', url, body, params),
    request,
    asyncRequest: (method: string, url: unknown, body?: Body, params?: Params) => performAsync(String(method).toUpperCase(), url, body, params),
    batch: (requests: unknown) => PendingResponse.from('http.batch(...)', batchAll(requests)),
    expectedStatuses,
    setResponseCallback: (callback: ResponseCallback) => {
      if (callback !== null && typeof callback !== 'function') throw new Error('setResponseCallback takes http.expectedStatuses(...) or null');
      vu.responseCallback = callback;
    },
  };
  return module;
}

function batchSpec(spec: unknown): { method: string; url: unknown; body: Body; params?: Params } {
  if (typeof spec === 'string') return { method: 'GET', url: spec, body: null };
  if (Array.isArray(spec)) return { method: String(spec[0]).toUpperCase(), url: spec[1], body: spec[2], params: spec[3] };
  const object = spec as { method?: string; url: unknown; body?: Body; params?: Params };
  return { method: String(object.method ?? 'GET').toUpperCase(), url: object.url, body: object.body, params: object.params };
}

function encodeBody(body: Body, headers: Record<string, string>): Buffer | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return Buffer.from(new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString());
}

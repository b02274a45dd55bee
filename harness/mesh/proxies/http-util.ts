/**
 * Small HTTP helpers the proxies share: hop-by-hop header filtering, bounded body reads
 * and Envoy-style local replies.
 */
import type http from 'node:http';

/** Headers that describe one connection, never forwarded by a proxy (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function forwardableHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** Reads the whole request body (retries need it again); undefined when it is too large. */
export function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendLocalReply(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), server: 'envoy' });
  res.end(body);
}

/**
 * Relays an upstream response; resolves when it is fully sent (or either side went away).
 * A downstream that leaves mid-response resets the upstream stream, as Envoy does, which
 * closes its HTTP/1.1 connection: left paused, the response would hold that connection and
 * its circuit-breaker slot for good.
 */
export function relayResponse(res: http.ServerResponse, upstream: http.IncomingMessage, extraHeaders: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const downstreamGone = () => {
      if (!upstream.complete) upstream.destroy();
      resolve();
    };
    if (res.destroyed) {
      downstreamGone();
      return;
    }
    const headers = forwardableHeaders(upstream.headers);
    res.writeHead(upstream.statusCode ?? 502, { ...headers, ...extraHeaders });
    upstream.pipe(res);
    res.once('close', downstreamGone);
    upstream.once('error', () => {
      res.destroy();
      resolve();
    });
  });
}

/**
 * Absolute-form targets already parsed: a load test repeats a handful of URLs, and a WHATWG
 * URL parse per request showed in the client sidecar's profile. Bounded: cleared when full.
 */
const parsedTargets = new Map<string, { authority: string; path: string } | null>();
const MAX_PARSED_TARGETS = 1024;

function parseAbsoluteTarget(raw: string): { authority: string; path: string } | null {
  let parsed = parsedTargets.get(raw);
  if (parsed !== undefined) return parsed;
  try {
    const url = new URL(raw);
    parsed = { authority: url.host, path: `${url.pathname}${url.search}` || '/' };
  } catch {
    parsed = null;
  }
  if (parsedTargets.size >= MAX_PARSED_TARGETS) parsedTargets.clear();
  parsedTargets.set(raw, parsed);
  return parsed;
}

/** Authority and path of a proxied (absolute-form) or direct (origin-form) request. */
export function requestTarget(req: http.IncomingMessage): { authority: string; path: string } {
  const raw = req.url ?? '/';
  // Origin-form starts with '/' (or is '*'): only other targets can be absolute-form.
  if (raw.charCodeAt(0) !== 47 && /^https?:\/\//i.test(raw)) {
    const parsed = parseAbsoluteTarget(raw);
    // Unparseable: fall through to the Host header.
    if (parsed) return { authority: parsed.authority, path: parsed.path };
  }
  return { authority: req.headers.host ?? '', path: raw };
}

/**
 * Incremental HTTP/1.1 response parser: status line, headers, then a body framed by
 * Content-Length, chunked encoding, or the connection closing. Bytes are fed as they
 * arrive; `feed` says when the response is complete.
 */

export interface ParsedHead {
  status: number;
  statusText: string;
  version: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'until-close' | 'done';

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const STATUS_LINE = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/;

export class ResponseParser {
  head?: ParsedHead;
  readonly body: Buffer[] = [];
  /** Whether the connection can carry another request after this response. */
  keepAlive = true;
  private state: State = 'head';
  private pending: Buffer = EMPTY;
  private remaining = 0;

  constructor(
    private readonly noBody: boolean,
    private readonly keepBody: boolean,
  ) {}

  isDone(): boolean {
    return this.state === 'done';
  }

  /** True once the response is complete. Throws on a malformed response. */
  feed(chunk: Buffer): boolean {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.isDone()) return true;
      if (this.pending.length === 0 || !this.step()) return false;
    }
  }

  /** The peer closed the connection: completes a close-delimited body, else it is truncated. */
  end(): boolean {
    if (this.state === 'until-close') this.state = 'done';
    return this.isDone();
  }

  private step(): boolean {
    switch (this.state) {
      case 'head':
        return this.parseHead();
      case 'length': {
        const take = Math.min(this.remaining, this.pending.length);
        this.keep(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'done';
        return true;
      }
      case 'until-close':
        this.keep(this.pending);
        this.pending = EMPTY;
        return false;
      case 'chunk-size': {
        const eol = this.pending.indexOf(CRLF);
        if (eol === -1) return false;
        const size = Number.parseInt(this.pending.subarray(0, eol).toString('latin1').split(';')[0].trim(), 16);
        if (Number.isNaN(size)) throw new Error('malformed chunked encoding');
        this.pending = this.pending.subarray(eol + 2);
        this.remaining = size;
        this.state = size === 0 ? 'trailers' : 'chunk-data';
        return true;
      }
      case 'chunk-data': {
        const take = Math.min(this.remaining, this.pending.length);
        this.keep(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'chunk-crlf';
        return true;
      }
      case 'chunk-crlf':
        if (this.pending.length < 2) return false;
        this.pending = this.pending.subarray(2);
        this.state = 'chunk-size';
        return true;
      case 'trailers': {
        const eol = this.pending.indexOf(CRLF);
        if (eol === -1) return false;
        this.pending = this.pending.subarray(eol + 2);
        if (eol === 0) this.state = 'done';
        return true;
      }
      default:
        return false;
    }
  }

  private parseHead(): boolean {
    const end = this.pending.indexOf(HEAD_END);
    if (end === -1) {
      if (this.pending.length > MAX_HEAD_BYTES) throw new Error('response headers too large');
      return false;
    }
    // One string for the whole head, walked line by line (no array of lines per response).
    const text = this.pending.toString('latin1', 0, end);
    this.pending = end + 4 === this.pending.length ? EMPTY : this.pending.subarray(end + 4);
    let lineEnd = text.indexOf('\r\n');
    if (lineEnd === -1) lineEnd = text.length;
    const firstLine = text.slice(0, lineEnd);
    const statusLine = STATUS_LINE.exec(firstLine);
    if (!statusLine) throw new Error(`malformed HTTP response "${firstLine.slice(0, 40)}"`);
    const headers: Record<string, string> = {};
    while (lineEnd < text.length) {
      const start = lineEnd + 2;
      lineEnd = text.indexOf('\r\n', start);
      if (lineEnd === -1) lineEnd = text.length;
      const colon = text.indexOf(':', start);
      if (colon <= start || colon >= lineEnd) continue;
      const name = text.slice(start, colon).trim().toLowerCase();
      const value = text.slice(colon + 1, lineEnd).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const status = Number(statusLine[2]);
    if (status >= 100 && status < 200 && status !== 101) {
      // Interim response (100 Continue): the real one follows.
      return true;
    }
    this.head = { status, statusText: statusLine[3] ?? '', version: statusLine[1], headers };
    const connection = (headers.connection ?? '').toLowerCase();
    this.keepAlive = statusLine[1] === '1.1' ? !connection.includes('close') : connection.includes('keep-alive');
    if (this.noBody || status === 204 || status === 304) this.state = 'done';
    else if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) this.state = 'chunk-size';
    else if (headers['content-length'] !== undefined) {
      this.remaining = Number(headers['content-length']);
      if (!Number.isInteger(this.remaining) || this.remaining < 0) throw new Error('malformed Content-Length');
      this.state = this.remaining === 0 ? 'done' : 'length';
    } else {
      this.state = 'until-close';
      this.keepAlive = false;
    }
    return true;
  }

  private keep(bytes: Buffer): void {
    if (this.keepBody && bytes.length > 0) this.body.push(bytes);
  }
}

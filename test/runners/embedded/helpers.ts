/** Small local servers, temp scripts and a one-call run for the embedded runtime's tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedRunner } from '../../../harness/runners/embedded/embedded-runner.ts';
import type { RunRequest, RunResult } from '../../../harness/runners/runner.ts';

export interface TestServer {
  url: string;
  port: number;
  server: http.Server;
  connections: number;
  close(): Promise<void>;
}

/** The real-k6 fixtures' app: 200 and 500 in turn, starting with 200, body `unstable`. */
export function startUnstableServer(): Promise<TestServer> {
  let n = 0;
  return startServer((_req, res) => {
    res.statusCode = n++ % 2 === 0 ? 200 : 500;
    res.end('unstable');
  });
}

export async function startServer(handler: http.RequestListener = (_req, res) => res.end('ok')): Promise<TestServer> {
  const server = http.createServer(handler);
  const state = { connections: 0 };
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await startServer();
  const { port } = server;
  await server.close();
  return port;
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'embedded-k6-'));
  private count = 0;

  /** Writes an ES module k6 script (what an esbuild bundle looks like) and returns its path. */
  script(source: string): string {
    const path = join(this.path, `script-${++this.count}.js`);
    writeFileSync(path, source);
    return path;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Runs on the test's thread (fast to start); worker.test.ts covers the worker-thread mode. */
export async function runScript(bundlePath: string, request: Partial<RunRequest> = {}, worker = false): Promise<RunResult> {
  return createEmbeddedRunner({ worker }).run({
    bundlePath,
    env: {},
    tags: {},
    summaryPath: join(bundlePath, '..', 'summary.json'),
    ...request,
  });
}

/** A summary metric's values, typed loosely for assertions. */
export function values(result: RunResult, metric: string): Record<string, number> {
  const entry = result.summary?.metrics[metric];
  if (!entry) throw new Error(`metric ${metric} missing; have ${Object.keys(result.summary?.metrics ?? {}).join(', ')}`);
  return entry.values as unknown as Record<string, number>;
}

export interface ScriptFixture {
  /** Where test scripts are written. */
  readonly dir: TempDir;
  /** A 200 OK server shared by the file's tests. */
  readonly server: TestServer;
  /** Another server, closed with the fixture. */
  serve(handler?: http.RequestListener): Promise<TestServer>;
}

/** Registers the before/after hooks every runtime test file needs and hands out what they set up. */
export function useScriptFixture(): ScriptFixture {
  let dir: TempDir | undefined;
  let server: TestServer | undefined;
  const extra: TestServer[] = [];
  before(async () => {
    dir = new TempDir();
    server = await startServer();
  });
  after(async () => {
    dir?.remove();
    await Promise.all([server, ...extra].map((s) => s?.close()));
  });
  return {
    get dir() {
      return dir!;
    },
    get server() {
      return server!;
    },
    async serve(handler) {
      const started = await startServer(handler);
      extra.push(started);
      return started;
    },
  };
}

/** Runs `run` with process.stdout captured (the embedded runtime prints k6's text summary there). */
export async function captureStdout<T>(run: () => Promise<T>): Promise<{ result: T; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await run(), stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

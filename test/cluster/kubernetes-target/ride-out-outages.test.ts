/**
 * API clients of the bench's kubeconfig against a stand-in API server on loopback that
 * refuses connections, drops them mid-request or throttles: what is retried, what is not,
 * and what the user is told when the outage outlasts the budget.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { isUserError } from '../../../harness/errors/user-error.ts';
import { OutageTolerantKubeConfig } from '../../../harness/targets/kubernetes/ride-out-outages.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

function answerNamespace(response: ServerResponse, name: string): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

async function listen(handler: Handler, port = 0): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** A free loopback port: bound, then released, so the first requests are refused. */
async function freePort(): Promise<number> {
  const server = await listen(() => {});
  const { port } = server.address() as AddressInfo;
  await close(server);
  return port;
}

function kubeConfig(port: number, budgetMs = 10_000): { kc: OutageTolerantKubeConfig; told: string[] } {
  const kc = new OutageTolerantKubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'stand-in', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'someone', token: 'not-a-secret' }],
    contexts: [{ name: 'here', cluster: 'stand-in', user: 'someone' }],
    currentContext: 'here',
  });
  const told: string[] = [];
  kc.budgetMs = budgetMs;
  kc.onOutage = (message) => told.push(message);
  return { kc, told };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the request succeeded');
}

describe('kubernetes target: API clients ride out an API server outage', function () {
  this.timeout(20_000);
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  it('a read sent while the API server is down is answered once it is back, and the user is told both', async () => {
    const port = await freePort();
    const { kc, told } = kubeConfig(port);
    const reading = kc.makeApiClient(CoreV1Api).readNamespace({ name: 'retryns' });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    servers.push(await listen((_, response) => answerNamespace(response, 'retryns'), port));
    expect((await reading).metadata?.name).to.equal('retryns');
    expect(told).to.have.length(2);
    expect(told[0]).to.match(/does not answer \(.*ECONNREFUSED.*\); retrying for up to 10 s/);
    expect(told[1]).to.match(/answers again after \d+\.\d s/);
  });

  it('an outage longer than the budget is CLUSTER_UNREACHABLE with the server, the cause and what to do', async () => {
    const port = await freePort();
    const { kc } = kubeConfig(port, 1_000);
    const error = await failure(kc.makeApiClient(CoreV1Api).readNamespace({ name: 'retryns' }));
    expect(isUserError(error), String(error)).to.equal(true);
    expect(error).to.include({ code: 'CLUSTER_UNREACHABLE' });
    expect((error as Error).message).to.include(`http://127.0.0.1:${port}`).and.match(/ECONNREFUSED/);
    expect((error as { fix: string }).fix).to.include('bench restore');
    expect((error as Error).message).not.to.include('not-a-secret');
  });

  it('a connection dropped mid-request is retried for a read but not for a create, which the server may have done', async () => {
    let reads = 0;
    let creates = 0;
    servers.push(
      await listen((request, response) => {
        if (request.method === 'GET' && ++reads === 1) return request.socket.destroy();
        if (request.method === 'POST') {
          creates++;
          return request.socket.destroy();
        }
        answerNamespace(response, 'retryns');
      }),
    );
    const { kc } = kubeConfig((servers[0].address() as AddressInfo).port);
    const core = kc.makeApiClient(CoreV1Api);
    expect((await core.readNamespace({ name: 'retryns' })).metadata?.name).to.equal('retryns');
    expect(reads).to.equal(2);
    const error = await failure(core.createNamespace({ body: { metadata: { name: 'retryns' } } }));
    expect(isUserError(error)).to.equal(false);
    expect(creates).to.equal(1);
  });

  it('a throttled request (429) waits the Retry-After the server gives, then goes through', async () => {
    const seen: number[] = [];
    servers.push(
      await listen((_, response) => {
        seen.push(Date.now());
        if (seen.length === 1) {
          response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
          return response.end(JSON.stringify({ kind: 'Status', reason: 'TooManyRequests', message: 'storage is (re)initializing', code: 429 }));
        }
        answerNamespace(response, 'retryns');
      }),
    );
    const { kc, told } = kubeConfig((servers[0].address() as AddressInfo).port);
    expect((await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'retryns' })).metadata?.name).to.equal('retryns');
    expect(seen).to.have.length(2);
    // Timers may fire a little early or late; 900 ms keeps a margin below the 1 s asked for.
    expect(seen[1] - seen[0]).to.be.at.least(900);
    expect(told, 'throttling is not an outage').to.deep.equal([]);
  });

  it('an API server shutting down (503 with Retry-After) is ridden out like one that refuses connections, even for a create', async () => {
    // What kube-apiserver answers between its shutdown signal and closing its port; a
    // control plane restart in the end-to-end test landed a pod list there once.
    let requests = 0;
    servers.push(
      await listen((_, response) => {
        requests++;
        if (requests <= 2) {
          response.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' });
          return response.end(JSON.stringify({ kind: 'Status', status: 'Failure', message: 'apiserver is shutting down', reason: 'ServiceUnavailable', code: 503 }));
        }
        answerNamespace(response, 'retryns');
      }),
    );
    const { kc, told } = kubeConfig((servers[0].address() as AddressInfo).port);
    const created = await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'retryns' } } });
    expect(created.metadata?.name).to.equal('retryns');
    expect(requests).to.equal(3);
    expect(told[0]).to.match(/does not answer \(HTTP 503: apiserver is shutting down\); retrying for up to 10 s/);
    expect(told[1]).to.match(/answers again after \d+\.\d s/);
  });

  it('a 5xx without Retry-After is an answer, not an outage: it comes back at once', async () => {
    let requests = 0;
    servers.push(
      await listen((_, response) => {
        requests++;
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ kind: 'Status', status: 'Failure', message: 'etcdserver: request timed out', reason: 'InternalError', code: 500 }));
      }),
    );
    const { kc } = kubeConfig((servers[0].address() as AddressInfo).port);
    const error = await failure(kc.makeApiClient(CoreV1Api).readNamespace({ name: 'retryns' }));
    expect((error as { code?: number }).code).to.equal(500);
    expect(requests).to.equal(1);
  });

  it('answers that are refusals (404, 403) come back at once, not retried', async () => {
    let requests = 0;
    servers.push(
      await listen((_, response) => {
        requests++;
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'namespaces "retryns" not found', code: 404 }));
      }),
    );
    const { kc } = kubeConfig((servers[0].address() as AddressInfo).port);
    const error = await failure(kc.makeApiClient(CoreV1Api).readNamespace({ name: 'retryns' }));
    expect((error as { code?: number }).code).to.equal(404);
    expect(requests).to.equal(1);
  });

  it('the direct client used by the reachability probe fails at once', async () => {
    const port = await freePort();
    const { kc, told } = kubeConfig(port);
    const started = Date.now();
    const error = await failure(kc.makeDirectApiClient(CoreV1Api).readNamespace({ name: 'retryns' }));
    expect(isUserError(error)).to.equal(false);
    expect(String((error as Error).message) + String((error as { code?: string }).code)).to.match(/ECONNREFUSED/);
    expect(Date.now() - started).to.be.below(5_000);
    expect(told).to.deep.equal([]);
  });
});

/**
 * Config propagation (design: "wait until the proxies have it") and the mesh lifecycle:
 * versions, acknowledgements, timeouts, routing by host (Envoy's 404 NR for unknown
 * hosts), limitations, and a stop that leaves no process or port behind.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { isUserError } from '../../harness/errors/user-error.ts';
import type { LocalMeshHandle } from '../../harness/mesh/index.ts';
import { startLocalMesh } from '../../harness/mesh/index.ts';
import { APP_URL, appRoute, config, getViaProxy, workload } from './helpers.ts';

function portOf(url: string): number {
  return Number(new URL(url).port);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

describe('mesh config propagation and lifecycle', function () {
  this.timeout(60_000);
  let mesh: LocalMeshHandle;

  before(async () => {
    mesh = await startLocalMesh({ seed: 9, profile: 'istio-1.24+', workloads: [workload()] });
  });
  after(async () => {
    await mesh?.stop();
  });

  it('applyConfig returns increasing versions and waitForVersion resolves once every proxy serves it', async () => {
    const first = await mesh.applyConfig(config());
    const second = await mesh.applyConfig(config({ virtualServices: [appRoute({ timeout: '1s' })] }));
    expect(second).to.equal(first + 1);
    await mesh.waitForVersion(second, 5000);
  });

  it('waitForVersion rejects with MESH_PROPAGATION_TIMEOUT for a version no proxy will reach', async () => {
    const current = await mesh.applyConfig(config());
    const error = await mesh.waitForVersion(current + 5, 100).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUserError(error)).to.equal(true);
    expect((error as { code: string }).code).to.equal('MESH_PROPAGATION_TIMEOUT');
  });

  it('a new config is what proxies serve after waitForVersion (fault abort appears, then goes)', async () => {
    const aborting = await mesh.applyConfig(config({ virtualServices: [appRoute({ fault: { abort: { httpStatus: 418, percentage: { value: 100 } } } })] }));
    await mesh.waitForVersion(aborting, 5000);
    expect((await getViaProxy(mesh.clientProxyUrl, APP_URL)).status).to.equal(418);
    const clean = await mesh.applyConfig(config());
    await mesh.waitForVersion(clean, 5000);
    expect((await getViaProxy(mesh.clientProxyUrl, APP_URL)).status).to.equal(200);
  });

  it('routes by host like Envoy: short names resolve in the client namespace, unknown hosts get 404 NR', async () => {
    await mesh.waitForVersion(await mesh.applyConfig(config()), 5000);
    await mesh.drainAccessLog();
    expect((await getViaProxy(mesh.clientProxyUrl, 'http://appflaky/unstable-endpoint')).status).to.equal(200);
    expect((await getViaProxy(mesh.clientProxyUrl, 'http://appflaky.retryns:80/unstable-endpoint')).status).to.equal(200);
    const unknown = await getViaProxy(mesh.clientProxyUrl, 'http://nothere.retryns.svc.cluster.local/x');
    expect(unknown.status).to.equal(404);
    const log = await mesh.drainAccessLog();
    expect(log.find((e) => e.authority.startsWith('nothere'))?.flags).to.equal('NR');
  });

  it('limitations() lists what the local mesh does not reproduce', () => {
    expect(mesh.limitations().length).to.be.greaterThan(0);
  });

  it('externalUrl rejects an unknown workload with a UserError', () => {
    expect(() => mesh.externalUrl('nope', 'retryns')).to.throw(/no workload retryns\/nope/);
  });

  it('threads "single" runs the same mesh on one event loop', async () => {
    const single = await startLocalMesh({ seed: 2, profile: 'istio-1.24+', workloads: [workload()], threads: 'single' });
    try {
      await single.waitForVersion(await single.applyConfig(config()), 5000);
      expect((await getViaProxy(single.clientProxyUrl, APP_URL)).status).to.equal(200);
      expect((await single.stats())['appflaky-0.retryns/app']['app.requests_total']).to.equal(1);
    } finally {
      await single.stop();
    }
  });

  it('stop() ends the mesh process and frees every port', async () => {
    const other = await startLocalMesh({ seed: 1, profile: 'istio-1.24+', workloads: [workload({ replicas: 2 })] });
    const ports = [portOf(other.clientProxyUrl), portOf(other.externalUrl('appflaky', 'retryns'))];
    const pid = other.pid!;
    expect(await canConnect(ports[0])).to.equal(true);
    await other.stop();
    expect(isAlive(pid)).to.equal(false);
    for (const port of ports) expect(await canConnect(port)).to.equal(false);
  });

  it('a parent killed by SIGINT leaves no mesh process or port behind', async () => {
    const script = fileURLToPath(new URL('./fixtures/mesh-parent.ts', import.meta.url));
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('mesh parent did not report its mesh')), 30_000);
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0]);
        }
      });
    });
    const { pid, port } = JSON.parse(line) as { pid: number; port: number };
    expect(isAlive(pid)).to.equal(true);
    parent.kill('SIGINT');
    expect(await eventually(() => !isAlive(pid), 10_000), 'mesh process exited').to.equal(true);
    expect(await canConnect(port)).to.equal(false);
  });
});

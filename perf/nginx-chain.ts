/**
 * nginx as a chain of reverse proxies in front of an app: the reference the benchmarks
 * measure the local mesh's sidecars against, in the same run. Needs nginx on PATH (Debian:
 * `apt-get install -y nginx-light`; .ci/perf installs it). Binds to 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** nginx as a chain of reverse proxies, each a server block on its own port; the last one proxies to `upstreamPort`. */
export async function startNginxChain(hops: number, upstreamPort: number): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-bench-nginx-'));
  const ports = await Promise.all(Array.from({ length: hops }, freePort));
  const servers = ports.map((port, i) => {
    const next = i + 1 < hops ? ports[i + 1] : upstreamPort;
    return `
    upstream hop${i} { server 127.0.0.1:${next}; keepalive 128; }
    server {
      listen 127.0.0.1:${port};
      access_log off;
      location / {
        proxy_pass http://hop${i};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
      }
    }`;
  });
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000;
  ${servers.join('\n')}
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`cannot start nginx (${e.message}); install it: apt-get install -y nginx-light`))));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ready = await Promise.race([
      spawnError,
      new Promise<boolean>((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port: ports[0] }, () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      }),
    ]);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('nginx did not start within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${ports[0]}`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

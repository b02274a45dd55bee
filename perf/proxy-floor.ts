/**
 * How fast a sidecar made of Node could be at all: the throughput of featureless proxy
 * chains laid out as the local mesh is (perf/proxy-floor-chain.ts), against two nginx hops
 * in front of the same app, in the same run. mesh-vs-nginx.ts measures the mesh against
 * the same reference; these lines say how much of the gap is the transport and how much
 * the mesh's own work, and what a sidecar on raw sockets could reach. References, not
 * targets. Needs nginx on PATH (.ci/perf installs it).
 * Env: MESH_BENCH_SECONDS (default 8).
 */
import { cannon, warmUp } from './autocannon.ts';
import { startNginxChain } from './nginx-chain.ts';
import type { ChainKind } from './proxy-floor-chain.ts';
import { reportReference } from './target-line.ts';
import { startTsChild } from './ts-child.ts';

const SECONDS = Number(process.env.MESH_BENCH_SECONDS ?? 8);
const CONNECTIONS = 64;

async function startChain(kind: ChainKind): Promise<{ client: number; app: number; stop(): void }> {
  const { child, firstLine } = await startTsChild('proxy-floor-chain.ts', [kind]);
  return { ...(JSON.parse(firstLine) as { client: number; app: number }), stop: () => child.kill('SIGTERM') };
}

async function requestsPerSecond(port: number): Promise<{ rps: number; failed: number }> {
  const result = await cannon({ url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, duration: SECONDS, requests: [{ method: 'GET', path: '/' }] });
  return { rps: result.requests.average, failed: result.errors + result.timeouts + result.non2xx };
}

console.log(`max throughput, ${CONNECTIONS} connections, ${SECONDS} s each; chains: client proxy (worker thread) → mutual TLS → server proxy → app`);
for (const kind of ['node-http', 'raw-socket'] as const) {
  const chain = await startChain(kind);
  const nginx = await startNginxChain(2, chain.app);
  try {
    // Warm both paths' JIT and connections first.
    await warmUp(nginx.url);
    await warmUp(`http://127.0.0.1:${chain.client}`);
    const reference = await requestsPerSecond(Number(new URL(nginx.url).port));
    const floor = await requestsPerSecond(chain.client);
    reportReference(
      `featureless ${kind} chain / two nginx hops`,
      `${(floor.rps / reference.rps).toFixed(2)} (${floor.rps.toFixed(0)} vs ${reference.rps.toFixed(0)} req/s; failed ${floor.failed} and ${reference.failed})`,
    );
  } finally {
    await nginx.stop();
    chain.stop();
  }
}

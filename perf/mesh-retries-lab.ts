/**
 * Whether the local mesh holds the retries lab's hardest stage: `retries-5xx` of
 * manifests/plans/retries-lab.yaml (attempts 10, perTryTimeout 5ms, retryOn 5xx; the app
 * fails half its requests at once), driven at a fixed rate through the client sidecar.
 * Every per-try timeout closes its connection, so the retry needs a new mutual-TLS one:
 * this prints how many there were, how many TLS sessions were resumed, and what a request
 * costs the mesh process in CPU, next to the errors and latency a caller sees.
 *
 *   1. new connections: sequential requests, each on a new mTLS connection
 *      (maxRequestsPerConnection 1), then on kept-alive ones: p50 and mesh CPU per request;
 *   2. the lab: `baseline` (warms the pools), then `retries-5xx`, at RATE req/s.
 * Target: retries-5xx at 300 req/s with no per-try timeout (the app answers at once, so
 * every one would be the mesh's own delay) and at most 1 % errors.
 * Env: RATE (default 300), SECONDS (default 6), MESH_THREADS (single | per-role),
 * BUSY=1 runs one CPU-bound process beside the mesh for the lab (a contended machine).
 * Everything binds to 127.0.0.1; every phase is bounded by its request count.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { DestinationRuleSpec, IstioConfig, ManifestObject } from '../harness/model/istio-objects.ts';
import { startLocalMesh } from '../harness/mesh/index.ts';
import { loadPlan } from '../harness/plan/load-plan.ts';
import { projectRoot } from '../harness/util/project-root.ts';
import { reportReference, reportTarget } from './target-line.ts';
import { measureHandshakeFloor } from './tls-handshake-floor.ts';

const RATE = Number(process.env.RATE ?? 300);
const SECONDS = Number(process.env.SECONDS ?? 6);
const THREADS = process.env.MESH_THREADS === 'per-role' || process.env.MESH_THREADS === 'single' ? process.env.MESH_THREADS : undefined;
const SEQUENTIAL_REQUESTS = 400;
const WARM_UP_REQUESTS = 2000;
const REQUEST_TIMEOUT_MS = 15_000;
const SIDECAR = 'appflaky-0.retryns';

/** CPU time (user + system, ms) a process has used; undefined where /proc is missing. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

const plan = await loadPlan(join(projectRoot, 'manifests/plans/retries-lab.yaml'));
const stageConfig = (name: string): IstioConfig => {
  const stage = plan.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`retries-lab has no stage ${name}`);
  return stage.config;
};
const mesh = await startLocalMesh({ seed: 1, profile: plan.meshProfile, workloads: plan.workloads, threads: THREADS });
const proxy = new URL(mesh.clientProxyUrl);
const host = new URL(plan.scenario.url).host;
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
let busy: ChildProcess | undefined;
let labHandshakes: number | undefined;

function request(): Promise<{ status: number; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ host: proxy.hostname, port: proxy.port, path: plan.scenario.url, agent, headers: { host }, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end();
  });
}

async function apply(config: IstioConfig): Promise<void> {
  await mesh.waitForVersion(await mesh.applyConfig(config), 5000);
  await mesh.resetStats();
}

async function sequential(label: string, config: IstioConfig): Promise<void> {
  await apply(config);
  // Long enough for V8 to have compiled the proxies' hot paths: after 50 requests the mesh's
  // compiler threads were still busy, and CPU per request read 2.5 times its warm value.
  for (let i = 0; i < WARM_UP_REQUESTS; i++) await request();
  await mesh.resetStats();
  const before = cpuMs(mesh.pid);
  const times: number[] = [];
  for (let i = 0; i < SEQUENTIAL_REQUESTS; i++) times.push((await request()).ms);
  const after = cpuMs(mesh.pid);
  times.sort((a, b) => a - b);
  const stats = (await mesh.stats())[SIDECAR] ?? {};
  const cpu = before === undefined || after === undefined ? 'n/a' : `${((after - before) / SEQUENTIAL_REQUESTS).toFixed(2)} ms`;
  console.log(
    `${label.padEnd(26)} p50 ${percentile(times, 0.5).toFixed(2)} ms  p90 ${percentile(times, 0.9).toFixed(2)} ms  mesh CPU/request ${cpu}  TLS handshakes ${stats['ssl.handshake'] ?? 0} (resumed ${stats['ssl.session_reused'] ?? 0})`,
  );
}

async function fixedRate(stage: string): Promise<{ errorRate: number; perTryTimeouts: number; handshakes: number }> {
  await apply(stageConfig(stage));
  const before = cpuMs(mesh.pid);
  const started = performance.now();
  const pending: Promise<{ status: number; ms: number }>[] = [];
  for (let i = 0; i < RATE * SECONDS; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(request());
  }
  const results = await Promise.all(pending);
  const after = cpuMs(mesh.pid);
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  const bad = results.filter((r) => r.status !== 200).length;
  const all = await mesh.stats();
  const client = all['client-sidecar'] ?? {};
  const sum = (suffix: string) => Object.entries(client).reduce((n, [name, value]) => (name.endsWith(suffix) ? n + value : n), 0);
  const sidecar = all[SIDECAR] ?? {};
  const perTryTimeouts = sum('upstream_rq_per_try_timeout');
  const handshakes = sidecar['ssl.handshake'] ?? 0;
  const cpu = before === undefined || after === undefined ? 'n/a' : `${((after - before) / results.length).toFixed(2)} ms`;
  console.log(
    `${stage.padEnd(16)} ${results.length} requests  errors ${((100 * bad) / results.length).toFixed(1)} %  p50 ${percentile(times, 0.5).toFixed(1)} ms  p99 ${percentile(times, 0.99).toFixed(1)} ms  per-try timeouts ${perTryTimeouts}  TLS handshakes ${handshakes} (resumed ${sidecar['ssl.session_reused'] ?? 0})  mesh CPU/request ${cpu}`,
  );
  return { errorRate: bad / results.length, perTryTimeouts, handshakes };
}

try {
  console.log(`local mesh, threads ${THREADS ?? 'default'}`);
  const strict = stageConfig('strict');
  const onePerConnection: ManifestObject<DestinationRuleSpec> = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'one-request-per-connection', namespace: plan.namespace },
    spec: { host, trafficPolicy: { connectionPool: { http: { maxRequestsPerConnection: 1 } } } },
    source: { file: 'perf/mesh-retries-lab.ts', line: 1 },
  };
  await sequential('new mTLS connection each', { ...strict, destinationRules: [...strict.destinationRules, onePerConnection] });
  await sequential('kept-alive connection', strict);

  console.log(`\nretries lab at ${RATE} req/s, ${SECONDS} s per stage${process.env.BUSY === '1' ? ', one CPU-bound process beside the mesh' : ''}`);
  if (process.env.BUSY === '1') {
    // Bounded: it ends with this script, or after the two stages' time plus a margin.
    busy = spawn(process.execPath, ['-e', `const end = Date.now() + ${(2 * SECONDS + 30) * 1000}; while (Date.now() < end) {}`], { stdio: 'ignore' });
  }
  await fixedRate('baseline');
  const lab = await fixedRate('retries-5xx');
  reportTarget(
    `retries-5xx (perTryTimeout 5ms) at ${RATE} req/s`,
    `${lab.perTryTimeouts} per-try timeouts, ${(100 * lab.errorRate).toFixed(2)} % errors`,
    '0 per-try timeouts, ≤ 1 % errors',
    lab.perTryTimeouts === 0 && lab.errorRate <= 0.01,
  );
  labHandshakes = lab.handshakes;
} finally {
  busy?.kill('SIGKILL');
  agent.destroy();
  await mesh.stop();
}

// Measured once the mesh has stopped, so that it has the cores to itself.
if (labHandshakes !== undefined) {
  const floor = await measureHandshakeFloor();
  const cores = (labHandshakes * floor.cpuMsPerHandshake) / (SECONDS * 1000);
  reportReference(
    'resumed mutual-TLS handshake in Node, no proxy (perf/tls-handshake-floor.ts)',
    `${floor.cpuMsPerHandshake.toFixed(2)} ms CPU for both ends (${floor.resumed} of ${floor.handshakes} resumed); retries-5xx's ${labHandshakes} handshakes in ${SECONDS} s need ${cores.toFixed(2)} of ${availableParallelism()} cores at that floor alone`,
  );
}

/**
 * Open-model accuracy: constant-arrival-rate at BENCH_RATE (default 5000) iterations/s
 * for BENCH_SECONDS (default 10) against a 200 OK server in another process. Target: the
 * achieved rate within 1% of the asked one and no dropped iterations while the server
 * keeps up.
 *
 *   npx tsx perf/embedded-arrival-rate.ts
 */
import { createEmbeddedRunner } from '../harness/runners/embedded/embedded-runner.ts';
import { seconds, startTargetServer, writeScript } from './embedded-bench-lib.ts';
import { reportTarget } from './target-line.ts';

const durationS = seconds('BENCH_SECONDS', 10);
const rate = Number(process.env.BENCH_RATE ?? 5000);
const server = await startTargetServer();
const script = writeScript(`import http from 'k6/http';
export const options = {
  scenarios: { open: { executor: 'constant-arrival-rate', rate: ${rate}, timeUnit: '1s', duration: '${durationS}s', preAllocatedVUs: 200, maxVUs: 1000 } },
};
export default async function () { await http.get('${server.url}'); }`);

const warmUp = writeScript(`import http from 'k6/http';
export const options = { vus: 20, duration: '2s' };
export default async function () { await http.get('${server.url}'); }`);

try {
  // Warm both processes' JIT first: a cold server falls behind for a second, and the
  // open model then piles up VUs and connections, which measures the warm-up, not the runtime.
  await createEmbeddedRunner().run({ bundlePath: warmUp.path, env: {}, tags: {}, summaryPath: `${warmUp.path}.summary.json` });
  const result = await createEmbeddedRunner().run({ bundlePath: script.path, env: {}, tags: {}, summaryPath: `${script.path}.summary.json` });
  const metrics = result.summary?.metrics ?? {};
  const iterations = (metrics.iterations?.values as { count: number } | undefined)?.count ?? 0;
  const dropped = (metrics.dropped_iterations?.values as { count: number } | undefined)?.count ?? 0;
  const expected = rate * durationS;
  const started = iterations + dropped;
  const deviation = Math.abs(started - expected) / expected;
  const vusMax = (metrics.vus_max?.values as { value: number } | undefined)?.value ?? 0;
  console.log(`asked ${expected} iterations (${rate}/s x ${durationS}s); completed ${iterations}, dropped ${dropped}, vus_max ${vusMax}`);
  console.log(`started within ${(deviation * 100).toFixed(2)}% of the schedule; completed rate ${(iterations / durationS).toFixed(0)}/s`);
  reportTarget(
    `constant-arrival-rate ${rate}/s`,
    `started within ${(deviation * 100).toFixed(2)} %, completed ${iterations}/${expected}, dropped ${dropped}`,
    'within 1 %, no drops',
    deviation <= 0.01 && dropped === 0 && iterations >= expected * 0.99,
  );
} finally {
  warmUp.remove();
  script.remove();
  server.stop();
}

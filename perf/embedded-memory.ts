/**
 * Memory per VU: 1000 constant VUs (each with its own script instance and keep-alive
 * connection, as in k6) against a 200 OK server in another process. Reports the heap
 * and RSS growth per VU while they run. Target: under 1 MB per VU.
 *
 *   npx tsx --expose-gc perf/embedded-memory.ts   (or: node --expose-gc --import tsx ...)
 */
import { createEmbeddedRunner } from '../harness/runners/embedded/embedded-runner.ts';
import { seconds, startTargetServer, writeScript } from './embedded-bench-lib.ts';
import { reportTarget } from './target-line.ts';

const VUS = Number(process.env.BENCH_VUS ?? 1000);
const durationS = seconds('BENCH_SECONDS', 8);
const gc = (globalThis as { gc?: () => void }).gc;
const server = await startTargetServer();
const script = writeScript(`import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
const ok = new Counter('ok');
const latency = new Trend('latency', true);
export const options = { vus: ${VUS}, duration: '${durationS}s' };
export default async function () {
  const res = await http.get('${server.url}');
  if (check(res, { 'status is 200': (r) => r.status === 200 })) ok.add(1);
  latency.add(res.timings.duration);
  await sleep(0.5);
}`);

const measure = () => {
  gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
};

try {
  const before = measure();
  let peak = before;
  const sampler = setInterval(() => {
    const now = measure();
    if (now.rss > peak.rss) peak = now;
  }, 1000);
  const result = await createEmbeddedRunner().run({ bundlePath: script.path, env: {}, tags: {}, summaryPath: `${script.path}.summary.json` });
  clearInterval(sampler);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(3);
  const reqs = (result.summary?.metrics.http_reqs?.values as { count: number } | undefined)?.count ?? 0;
  console.log(`${VUS} VUs for ${durationS}s: ${reqs} requests, outcome ${result.outcome}${gc ? '' : ' (run with --expose-gc for steadier numbers)'}`);
  console.log(`heap growth ${mb(peak.heap - before.heap)} MB, RSS growth ${mb(peak.rss - before.rss)} MB`);
  const perVu = Math.max(peak.heap - before.heap, peak.rss - before.rss) / VUS;
  reportTarget('embedded runtime memory per VU', `${mb(perVu)} MB`, '< 1 MB', perVu < 1024 * 1024);
} finally {
  script.remove();
  server.stop();
}

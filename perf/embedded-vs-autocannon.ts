/**
 * Throughput of the embedded runtime next to autocannon, same scenario, same run:
 * 50 concurrent users (constant-vus / 50 connections) against a 200 OK Node server in
 * another process, for BENCH_SECONDS (default 10) each. The embedded run collects every
 * metric k6 would (all HTTP trends, tags, checks). Target: ratio >= 0.5.
 *
 *   npx tsx perf/embedded-vs-autocannon.ts
 */
import autocannon from 'autocannon';
import { createEmbeddedRunner } from '../harness/runners/embedded/index.ts';
import { seconds, startTargetServer, writeScript } from './embedded-bench-lib.ts';

const durationS = seconds('BENCH_SECONDS', 10);
const server = await startTargetServer();
const script = writeScript(`import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 50, duration: '${durationS}s', summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'count'] };
export default async function () {
  const res = await http.get('${server.url}', { tags: { name: 'ok' } });
  check(res, { 'status is 200': (r) => r.status === 200 });
}`);

try {
  const embedded = await createEmbeddedRunner().run({ bundlePath: script.path, env: {}, tags: { bench: 'embedded' }, summaryPath: `${script.path}.summary.json` });
  const reqs = embedded.summary?.metrics.http_reqs.values as { count: number; rate: number };
  const p99 = (embedded.summary?.metrics.http_req_duration.values as Record<string, number>)['p(99)'];
  console.log(`embedded:   ${reqs.rate.toFixed(0)} req/s (${reqs.count} requests, p99 ${p99.toFixed(2)} ms, outcome ${embedded.outcome})`);

  const cannon = await autocannon({ url: server.url, connections: 50, duration: durationS });
  const cannonRate = cannon.requests.total / durationS;
  console.log(`autocannon: ${cannonRate.toFixed(0)} req/s (${cannon.requests.total} requests, p99 ${cannon.latency.p99} ms)`);
  const ratio = reqs.rate / cannonRate;
  console.log(`ratio embedded/autocannon: ${ratio.toFixed(2)} (target >= 0.5) ${ratio >= 0.5 ? 'OK' : 'BELOW TARGET'}`);
} finally {
  script.remove();
  server.stop();
}

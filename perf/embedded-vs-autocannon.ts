/**
 * Throughput of the embedded runtime next to autocannon, same scenario, same run:
 * 50 concurrent users (constant-vus / 50 connections) against a 200 OK Node server in
 * another process. The embedded run collects every metric k6 would (all HTTP trends
 * and tags, checks). Target: embedded/autocannon >= 0.5.
 *
 * Shared machines are noisy, so the two alternate for BENCH_ROUNDS rounds (default 3)
 * of BENCH_SECONDS each (default 10), after a warm-up, and the medians are compared.
 *
 *   npx tsx perf/embedded-vs-autocannon.ts
 */
import { createRequire } from 'node:module';
import { createEmbeddedRunner } from '../harness/runners/embedded/embedded-runner.ts';
import { seconds, startTargetServer, writeScript } from './embedded-bench-lib.ts';
import { reportTarget } from './target-line.ts';

/** The slice of autocannon (which ships no types) this benchmark uses. */
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<{
  requests: { total: number };
  latency: { p99: number };
}>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const durationS = seconds('BENCH_SECONDS', 10);
const rounds = Math.max(1, Math.min(10, Number(process.env.BENCH_ROUNDS ?? 3)));
const server = await startTargetServer();
const script = writeScript(`import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 50, duration: '${durationS}s', summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'count'] };
export default async function () {
  const res = await http.get('${server.url}', { tags: { name: 'ok' } });
  check(res, { 'status is 200': (r) => r.status === 200 });
}`);

async function embeddedRound(): Promise<number> {
  const result = await createEmbeddedRunner().run({ bundlePath: script.path, env: {}, tags: { bench: 'embedded' }, summaryPath: `${script.path}.summary.json` });
  if (!result.summary) throw new Error(`embedded run produced no summary: ${result.outcome} ${result.detail ?? ''}`);
  const reqs = result.summary.metrics.http_reqs.values as { count: number; rate: number };
  const p99 = (result.summary.metrics.http_req_duration.values as Record<string, number>)['p(99)'];
  const checks = result.summary.metrics.checks.values as { rate: number };
  console.log(`  embedded:   ${reqs.rate.toFixed(0)} req/s (${reqs.count} requests, p99 ${p99.toFixed(2)} ms, checks ${(checks.rate * 100).toFixed(1)}%)`);
  return reqs.rate;
}

async function autocannonRound(seconds: number, quiet = false): Promise<number> {
  const result = await autocannon({ url: server.url, connections: 50, duration: seconds });
  const rate = result.requests.total / seconds;
  if (!quiet) console.log(`  autocannon: ${rate.toFixed(0)} req/s (${result.requests.total} requests, p99 ${result.latency.p99} ms)`);
  return rate;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  await autocannonRound(2, true);
  const embedded: number[] = [];
  const cannon: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round}/${rounds}`);
    embedded.push(await embeddedRound());
    cannon.push(await autocannonRound(durationS));
  }
  const ratio = median(embedded) / median(cannon);
  console.log(`median embedded ${median(embedded).toFixed(0)} req/s, median autocannon ${median(cannon).toFixed(0)} req/s`);
  reportTarget('embedded runtime throughput / autocannon', ratio.toFixed(2), '≥ 0.5', ratio >= 0.5);
} finally {
  script.remove();
  server.stop();
}

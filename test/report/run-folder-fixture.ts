/**
 * Builds realistic run folders for report tests: run.json plus, per cell, a k6
 * handleSummary data object shaped like the real k6 v0.49 fixture (same metric names,
 * types, trend columns and `http_reqs{status:N}` / `http_reqs{error_code:N}` sub-metrics
 * with their always-true thresholds), proxy stats with Envoy-named counters, and a JSON
 * lines access log.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LintFinding } from '../../harness/istio/lint/lint-finding.ts';
import type { Prediction } from '../../harness/istio/outcome/prediction.ts';
import type { Expectation, VantageName } from '../../harness/model/plan.ts';
import type { CellRecord, RunRecord, RunStatus } from '../../harness/run/run-record.ts';
import type { K6SummaryData, SummaryMetric } from '../../harness/model/k6-summary.ts';
import { createRandom } from '../../harness/mesh/shared/random.ts';
import type { AccessLogEntry } from '../../harness/model/proxy-observations.ts';
import type { ProxyStats } from '../../harness/model/proxy-observations.ts';
import type { RunOutcomeKind } from '../../harness/model/k6-outcome.ts';

export const HOST = 'appflaky.retryns.svc.cluster.local';
export const CLUSTER = `outbound|80||${HOST}`;
export const URL_IN_CLUSTER = `http://${HOST}/unstable-endpoint`;
const LISTED_STATUSES = ['0', '200', '400', '404', '429', '500', '502', '503', '504'];
const LISTED_ERROR_CODES = ['1000', '1050', '1211', '1212', '1220'];

export interface LatencySpec {
  avg: number;
  min: number;
  med: number;
  max: number;
  'p(90)': number;
  'p(95)': number;
  'p(99)': number;
}

export interface CellSpec {
  stage: string;
  vantage: VantageName;
  /** Status code → count; "0" for no HTTP answer. */
  statuses: Record<string, number>;
  /** k6 error code → count (1050 timeouts, 1212 refused, ...). */
  errorCodes?: Record<string, number>;
  latency?: Partial<LatencySpec>;
  /** Leave out the breakdown sub-metrics (a scenario without breakdownThresholds). */
  noBreakdown?: boolean;
  rate?: number;
  durationSeconds?: number;
  testRunDurationMs?: number;
  droppedIterations?: number;
  outcome?: RunOutcomeKind;
  detail?: string;
  /** No summary file at all (the engine died). */
  noSummary?: boolean;
  /** Counters per proxy, `{ unavailable }`, or null for no stats file. Default: client sidecar with zero retries. */
  proxy?: Record<string, Record<string, number>> | { unavailable: string } | null;
  /** Entries (defaults filled in), or null for no access log file. Default: none written. */
  accessLog?: Partial<AccessLogEntry>[] | null;
  expectation?: Omit<Expectation, 'source'>;
  prediction?: Omit<Prediction, 'vantage' | 'formula' | 'notes'> & Partial<Pick<Prediction, 'formula' | 'notes'>>;
}

export interface RunSpec {
  runId?: string;
  status?: RunStatus;
  error?: string;
  planName?: string;
  planHash?: string;
  meshProfile?: string;
  engine?: { name: string; version: string };
  vantages?: VantageName[];
  stages: { name: string; description?: string; configVersion?: number; propagationMs?: number; lint?: LintFinding[] }[];
  cells: CellSpec[];
  versions?: Record<string, string>;
  target?: Record<string, string>;
  limitations?: string[];
}

const DEFAULT_LATENCY: LatencySpec = { avg: 12.5, min: 2.1, med: 10.2, max: 95.4, 'p(90)': 22.3, 'p(95)': 30.1, 'p(99)': 61.7 };

function counter(count: number, durationMs: number): SummaryMetric {
  return { type: 'counter', contains: 'default', values: { count, rate: count / (durationMs / 1000) } };
}

function trend(values: LatencySpec, count: number): SummaryMetric {
  return { type: 'trend', contains: 'time', values: { ...values, count } };
}

/** A k6 handleSummary data object for one cell, as k6 0.49 writes it. */
export function k6Summary(cell: CellSpec): K6SummaryData {
  const requests = Object.values(cell.statuses).reduce((a, b) => a + b, 0);
  const failed = Object.entries(cell.statuses)
    .filter(([status]) => !(Number(status) >= 200 && Number(status) < 400))
    .reduce((sum, [, count]) => sum + count, 0);
  const durationMs = cell.testRunDurationMs ?? (cell.durationSeconds ?? 10) * 1000 + 3.4;
  const latency = { ...DEFAULT_LATENCY, ...cell.latency };
  const metrics: Record<string, SummaryMetric> = {};
  if (requests > 0) {
    metrics.http_reqs = counter(requests, durationMs);
    metrics.http_req_failed = { type: 'rate', contains: 'default', values: { rate: failed / requests, passes: failed, fails: requests - failed } };
    metrics.http_req_duration = trend(latency, requests);
    metrics.http_req_waiting = trend({ ...latency, avg: latency.avg * 0.9 }, requests);
    metrics['http_req_duration{expected_response:true}'] = trend(latency, requests - failed);
    metrics.iterations = counter(requests, durationMs);
    metrics.iteration_duration = trend({ ...latency, avg: latency.avg + 0.3 }, requests);
    metrics.checks = { type: 'rate', contains: 'default', values: { rate: (requests - failed) / requests, passes: requests - failed, fails: failed } };
    metrics.success_rate = metrics.checks;
    if (requests - failed > 0) metrics.successes = counter(requests - failed, durationMs);
    if (failed > 0) metrics.failures = counter(failed, durationMs);
    const timeouts = cell.errorCodes?.['1050'] ?? 0;
    if (timeouts > 0) metrics.timeouts = counter(timeouts, durationMs);
    metrics.data_received = { type: 'counter', contains: 'data', values: { count: requests * 180, rate: (requests * 180) / (durationMs / 1000) } };
  }
  metrics.vus = { type: 'gauge', contains: 'default', values: { value: 0, min: 0, max: 5 } };
  metrics.vus_max = { type: 'gauge', contains: 'default', values: { value: 20, min: 20, max: 20 } };
  if (cell.droppedIterations) metrics.dropped_iterations = counter(cell.droppedIterations, durationMs);
  if (!cell.noBreakdown) {
    // Always-true thresholds make k6 export every listed sub-metric, zero counts included.
    for (const status of LISTED_STATUSES) {
      metrics[`http_reqs{status:${status}}`] = { ...counter(cell.statuses[status] ?? 0, durationMs), thresholds: { 'count>=0': { ok: true } } };
    }
    for (const code of LISTED_ERROR_CODES) {
      metrics[`http_reqs{error_code:${code}}`] = { ...counter(cell.errorCodes?.[code] ?? 0, durationMs), thresholds: { 'count>=0': { ok: true } } };
    }
  }
  return {
    root_group: {
      name: '',
      path: '',
      id: 'd41d8cd98f00b204e9800998ecf8427e',
      groups: [],
      checks: [{ name: 'status is 200', path: '::status is 200', id: '6210a8cd14cd70477eba5c5e4cb3fb5f', passes: requests - failed, fails: failed }],
    },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
    metrics,
  };
}

/** Proxy counters on the client sidecar for the destination cluster (prefix added). */
export function clientCounters(counters: Record<string, number>, extra: Record<string, number> = {}): Record<string, Record<string, number>> {
  const stats: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) stats[`cluster.${CLUSTER}.${name}`] = value;
  return { 'client-sidecar': { ...stats, ...extra }, 'appflaky-sidecar': { 'cluster.inbound|5000||.upstream_rq_total': 1 } };
}

function accessLogLine(entry: Partial<AccessLogEntry>, index: number): string {
  return JSON.stringify({
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, index)).toISOString(),
    proxy: 'client-sidecar',
    method: 'GET',
    path: '/unstable-endpoint',
    authority: HOST,
    status: 200,
    flags: '-',
    attempts: 1,
    durationMs: 3,
    ...entry,
  });
}

const slug = (text: string) => text.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 40) || 'stage';

const createdFolders: string[] = [];

/** Removes every run folder writeRunFolder created in a temporary directory. */
export async function removeRunFolders(): Promise<void> {
  const folders = createdFolders.splice(0);
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
}

export async function writeRunFolder(spec: RunSpec, dir?: string): Promise<string> {
  const runDir = dir ?? (await mkdtemp(path.join(tmpdir(), 'rb-report-')));
  if (!dir) createdFolders.push(runDir);
  const engine = spec.engine ?? { name: 'embedded', version: '0.1.0' };
  const cells: CellRecord[] = [];
  let index = 0;
  for (const cell of spec.cells) {
    const cellDir = `cells/${String(index++).padStart(2, '0')}-${slug(cell.stage)}-${cell.vantage}`;
    await mkdir(path.join(runDir, cellDir), { recursive: true });
    const files: CellRecord['files'] = {};
    if (!cell.noSummary) {
      files.summary = `${cellDir}/k6-summary.json`;
      await writeFile(path.join(runDir, files.summary), JSON.stringify(k6Summary(cell), null, 2));
    }
    const proxy = cell.proxy === undefined ? clientCounters({ upstream_rq_total: 1, upstream_rq_retry: 0 }) : cell.proxy;
    if (proxy !== null) {
      files.proxyStats = `${cellDir}/proxy-stats.json`;
      const stats: ProxyStats =
        'unavailable' in proxy && typeof proxy.unavailable === 'string'
          ? { collectedAt: '2026-01-01T00:00:10.000Z', proxies: {}, unavailable: proxy.unavailable }
          : { collectedAt: '2026-01-01T00:00:10.000Z', proxies: proxy as Record<string, Record<string, number>> };
      await writeFile(path.join(runDir, files.proxyStats), JSON.stringify(stats, null, 2));
    }
    if (cell.accessLog) {
      files.accessLog = `${cellDir}/access-log.jsonl`;
      await writeFile(path.join(runDir, files.accessLog), `${cell.accessLog.map(accessLogLine).join('\n')}\n`);
    }
    cells.push({
      stage: cell.stage,
      vantage: cell.vantage,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:12.500Z',
      engine,
      outcome: cell.outcome ?? 'ok',
      exitCode: cell.outcome && cell.outcome !== 'ok' ? 107 : 0,
      detail: cell.detail,
      files,
      expectation: cell.expectation ? { ...cell.expectation, source: { file: 'manifests/plans/test-plan.yaml', line: 20 } } : undefined,
      prediction: cell.prediction ? { formula: 'closed form', notes: [], ...cell.prediction, vantage: cell.vantage } : undefined,
      path: cell.vantage === 'in-mesh' ? 'through the client sidecar (HTTP_PROXY)' : 'straight to the server sidecar',
      // By default the requested load is what the cell made, so only tests about load see a shortfall.
      load: { rate: cell.rate ?? Object.values(cell.statuses).reduce((a, b) => a + b, 0) / (cell.durationSeconds ?? 10), durationSeconds: cell.durationSeconds ?? 10 },
    });
  }
  const run: RunRecord = {
    schema: 'resilience-bench/run@1',
    runId: spec.runId ?? 'run-2026-01-01T00-00-00',
    status: spec.status ?? 'completed',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: spec.status === 'interrupted' ? undefined : '2026-01-01T00:01:00.000Z',
    error: spec.error,
    plan: {
      name: spec.planName ?? 'retries-lab',
      description: 'Retries lab',
      file: '/work/main/manifests/plans/retries-lab.yaml',
      hash: spec.planHash ?? 'sha256:abc123',
      meshProfile: spec.meshProfile ?? 'istio-1.24+',
      namespace: 'retryns',
      scenario: 'unstable-endpoint',
      url: URL_IN_CLUSTER,
      vantages: spec.vantages ?? ['in-mesh', 'external'],
    },
    options: { target: 'local', engine: engine.name, seed: 42 },
    versions: spec.versions ?? { bench: '0.1.0', node: 'v20.19.0' },
    target: spec.target ?? { kind: 'local', meshProfile: spec.meshProfile ?? 'istio-1.24+' },
    stages: spec.stages.map((stage) => ({
      name: stage.name,
      description: stage.description,
      configFiles: [`manifests/policies/retries-lab/${slug(stage.name)}.yaml`],
      configVersion: 'configVersion' in stage ? stage.configVersion : 1,
      propagationMs: stage.propagationMs ?? 12,
      lint: stage.lint,
    })),
    cells,
    limitations: spec.limitations,
  };
  await writeFile(path.join(runDir, 'run.json'), JSON.stringify(run, null, 2));
  return runDir;
}

/** Deterministic PRNG (the mesh's own mulberry32) so sampled fixtures are the same on every run. */
export const seededRandom = createRandom;

/** Draws `n` requests failing with probability `p` (status `failStatus`), seeded. */
export function sampleStatuses(n: number, p: number, random: () => number, failStatus = '500'): Record<string, number> {
  let failed = 0;
  for (let i = 0; i < n; i++) if (random() < p) failed++;
  return { '200': n - failed, [failStatus]: failed };
}

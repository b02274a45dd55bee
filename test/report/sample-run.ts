/**
 * A run folder exercising every renderer path: as-configured, deviating, failed and
 * not-run cells, lint findings, limitations, and a stage name that is an HTML injection.
 */
import { clientCounters, type RunSpec, writeRunFolder } from './run-folder-fixture.ts';

export const HOSTILE_STAGE = '<img src=x onerror=alert(1)>';

export function sampleRunSpec(overrides: Partial<RunSpec> = {}): RunSpec {
  return {
    stages: [
      { name: 'no-policy', description: 'Istio defaults only' },
      { name: 'retries-10', description: 'attempts: 10, no retryOn' },
      { name: HOSTILE_STAGE, lint: [{ code: 'RB102', severity: 'error', message: 'retryOn "5xx|reset" has <bad> token', fix: 'use commas', stage: HOSTILE_STAGE, location: { file: 'vs.yaml', line: 7 } }] },
    ],
    limitations: ['one replica per workload: outlier detection cannot eject & keep serving'],
    cells: [
      { stage: 'no-policy', vantage: 'in-mesh', statuses: { '200': 252, '500': 248 }, prediction: { modelled: true, successProbability: 0.5 }, expectation: { errorRate: { max: 0.6 } } },
      { stage: 'no-policy', vantage: 'external', statuses: { '200': 247, '500': 253 }, prediction: { modelled: true, successProbability: 0.5 } },
      {
        stage: 'retries-10',
        vantage: 'in-mesh',
        statuses: { '200': 249, '500': 251 },
        proxy: clientCounters({ upstream_rq_total: 500, upstream_rq_retry: 0 }),
        prediction: { modelled: true, successProbability: 1 - 0.5 ** 11, formula: '1 - 0.5^(10+1)' },
        latency: { med: 4.2, 'p(95)': 12.5, 'p(99)': 40.3, max: 2200 },
      },
      { stage: 'retries-10', vantage: 'external', statuses: { '200': 255, '500': 245 }, expectation: { errorRate: { max: 0.1 }, latencyMs: { p95: 20 } } },
      { stage: HOSTILE_STAGE, vantage: 'in-mesh', statuses: {}, noSummary: true, outcome: 'engine-error', detail: 'engine died: <script>alert(2)</script>', proxy: null },
    ],
    ...overrides,
  };
}

export function writeSampleRun(overrides: Partial<RunSpec> = {}, dir?: string): Promise<string> {
  return writeRunFolder(sampleRunSpec(overrides), dir);
}

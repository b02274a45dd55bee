/**
 * The shipped scenario run as four execution segments in four processes (as four k6
 * instances would run) against one unsplit run of it: the segments' requests add up to
 * the unsplit count (±1 per segment, for an iteration cut at the graceful stop), and the
 * merged percentiles match the unsplit run's. The server answers in fixed latency bands by
 * arrival order (30% at 10 ms, 40% at 40 ms, 30% at 120 ms), so both runs have the same
 * latency distribution and each percentile falls well inside one band; the tolerance is
 * the buckets' bound plus 15 ms for timers and scheduling on a busy two-core machine,
 * far below the gaps between bands, so it cannot flake yet would catch a wrong band.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CounterValues, K6SummaryData, TrendValues } from '../../../harness/model/k6-summary.ts';
import { PERCENTILE_ERROR } from '../../../harness/model/latency-histogram.ts';
import { bundleScenario } from '../../../harness/runners/bundle-scenario.ts';
import { mergeSummaries } from '../../../harness/runners/merge/merge-summaries.ts';
import { projectRoot } from '../../../harness/util/project-root.ts';

const SEQUENCE = '0,1/4,1/2,3/4,1';
const SEGMENTS = ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'];
const BANDS_MS = [10, 10, 10, 40, 40, 40, 40, 120, 120, 120];

function runProcess(bundle: string, summaryPath: string, env: Record<string, string>, segment?: string): Promise<number> {
  const args = ['--import', 'tsx', join(projectRoot, 'harness/runners/embedded/main.ts'), 'run'];
  if (segment) args.push('--execution-segment', segment, '--execution-segment-sequence', SEQUENCE);
  for (const [key, value] of Object.entries({ ...env, SUMMARY_PATH: summaryPath })) args.push('-e', `${key}=${value}`);
  args.push(bundle);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('a scenario split into four execution segments, in four processes', function () {
  this.timeout(120_000);
  let dir: string;
  let server: http.Server;
  let served = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'split-run-'));
    server = http.createServer((_req, res) => {
      const delay = BANDS_MS[served++ % BANDS_MS.length];
      setTimeout(() => res.end('ok'), delay);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the unsplit run\'s requests, and its merged percentiles match', async () => {
    const bundle = await bundleScenario('unstable-endpoint');
    const env = {
      ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/unstable-endpoint`,
      RATE: '40',
      DURATION: '4s',
      PRE_ALLOCATED_VUS: '8',
      MAX_VUS: '40',
    };
    const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as K6SummaryData;

    const codes = await Promise.all(SEGMENTS.map((segment, i) => runProcess(bundle, join(dir, `segment-${i}.json`), env, segment)));
    expect(codes).to.deep.equal([0, 0, 0, 0]);
    const { summary: merged, info } = mergeSummaries(SEGMENTS.map((segment, i) => ({ name: segment, summary: read(join(dir, `segment-${i}.json`)) })));
    served = 0;
    expect(await runProcess(bundle, join(dir, 'whole.json'), env)).to.equal(0);
    const whole = read(join(dir, 'whole.json'));

    const requests = (s: K6SummaryData) => (s.metrics.http_reqs.values as CounterValues).count;
    // 40/s for 4 s: 161 arrivals, striped 41 + 40 + 40 + 40.
    expect(requests(whole)).to.be.within(160, 161);
    expect(Math.abs(requests(merged!) - requests(whole))).to.be.at.most(SEGMENTS.length);
    expect(info.contributed).to.have.length(4);
    expect(info.percentiles.method).to.equal('latency-buckets');

    const m = merged!.metrics.http_req_duration.values as TrendValues;
    const w = whole.metrics.http_req_duration.values as TrendValues;
    expect(Object.keys(m)).to.deep.equal(Object.keys(w));
    for (const column of ['med', 'p(90)', 'p(95)']) {
      expect(Math.abs(m[column] - w[column]), `${column}: merged ${m[column]} vs unsplit ${w[column]}`).to.be.at.most(PERCENTILE_ERROR.relative * w[column] + 15);
    }
  });
});

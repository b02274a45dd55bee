/**
 * Test doubles at the orchestrator's two boundaries: a target that records what was done
 * to it, and a runner that answers with a k6-shaped summary of a given error rate.
 */
import { writeFile } from 'node:fs/promises';
import type { IstioConfig } from '../../harness/model/istio-objects.ts';
import type { Plan, VantageName } from '../../harness/model/plan.ts';
import type { K6SummaryData } from '../../harness/model/k6-summary.ts';
import type { RunRequest, RunResult, Runner } from '../../harness/runners/runner.ts';
import type { StageApplication, Target, VantageEndpoint } from '../../harness/targets/target.ts';
import type { ProxyStats } from '../../harness/model/proxy-observations.ts';

export class RecordingTarget implements Target {
  readonly kind = 'local' as const;
  readonly events: string[] = [];
  private version = 0;
  constructor(private readonly failOnStage?: string) {}
  async describe() {
    return { target: 'fake' };
  }
  async prepare(plan: Plan) {
    this.events.push(`prepare ${plan.name}`);
  }
  async applyStage(options: { stage: string; config: IstioConfig }): Promise<StageApplication> {
    if (options.stage === this.failOnStage) throw new Error(`cannot apply ${options.stage}`);
    this.version += 1;
    this.events.push(`apply ${options.stage} v${this.version}`);
    return { stage: options.stage, version: this.version };
  }
  async waitForPropagation(application: StageApplication): Promise<undefined> {
    this.events.push(`wait v${application.version}`);
    return undefined;
  }
  launcherFor(_vantage: VantageName, local: Runner): Runner {
    return local;
  }

  endpoint(vantage: VantageName, url: string): VantageEndpoint {
    return { vantage, url, description: `fake ${vantage}` };
  }
  async readProxyStats(): Promise<ProxyStats> {
    return { collectedAt: new Date(0).toISOString(), proxies: { 'client-sidecar': { 'cluster.outbound|80||svc.upstream_rq_retry': 3 } } };
  }
  async resetProxyStats() {}
  async limitations() {
    return [];
  }
  async restore() {
    this.events.push('restore');
  }
}

export function summaryWith(options: { requests: number; failed: number }): K6SummaryData {
  const { requests, failed } = options;
  return {
    root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 1000 },
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: requests, rate: requests } },
      http_req_failed: { type: 'rate', contains: 'default', values: { rate: failed / requests, passes: failed, fails: requests - failed } },
      http_req_duration: { type: 'trend', contains: 'time', values: { avg: 2, min: 1, med: 2, max: 9, 'p(90)': 3, 'p(95)': 4 } },
    },
  };
}

/** Answers every run with `failed` of `requests`; `onRun` may abort or throw. */
export class ScriptedRunner implements Runner {
  readonly name = 'embedded' as const;
  readonly requests: RunRequest[] = [];
  constructor(
    private readonly failedFor: (request: RunRequest) => number,
    private readonly onRun?: (request: RunRequest) => void,
  ) {}
  async version() {
    return 'test';
  }
  async run(request: RunRequest): Promise<RunResult> {
    this.requests.push(request);
    this.onRun?.(request);
    const summary = summaryWith({ requests: 100, failed: this.failedFor(request) });
    await writeFile(request.summaryPath, JSON.stringify(summary));
    const interrupted = request.signal?.aborted ?? false;
    return { outcome: interrupted ? 'interrupted' : 'ok', exitCode: interrupted ? 105 : 0, summary, engine: { name: 'embedded', version: 'test' } };
  }
}

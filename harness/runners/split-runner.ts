/**
 * One cell's load split over N runners of any engine, each running an equal k6 execution
 * segment, and merged into one summary of a single runner's shape (merge/merge-summaries.ts).
 * Locally that is N embedded runs on N worker threads (or N k6 processes); the result's
 * `distribution` says which runners contributed, which did not and why, and how
 * percentiles were combined with their error bound.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { RunOutcomeKind } from '../model/k6-outcome.ts';
import { segmentOf, segmentSequence } from './k6-job/segments.ts';
import type { StartReport } from '../model/distribution.ts';
import { type MergeInfo, mergeSummaries } from './merge/merge-summaries.ts';
import type { RunProgress, RunRequest, RunResult, Runner } from './runner.ts';
import { StartBarrier } from './start-barrier.ts';

/**
 * How long the runners that are ready wait for the others. A cluster's pods may need to
 * pull the k6 image first; a runner later than this starts as soon as it is ready, and the
 * cell says how late.
 */
const START_WAIT_MS = 120_000;

/** Outcomes that say the run itself went wrong, worst first; thresholds are judged again on the merged data. */
const SEVERITY: RunOutcomeKind[] = ['engine-error', 'script-exception', 'invalid-config', 'interrupted', 'aborted-by-script', 'setup-timeout', 'teardown-timeout', 'failed-by-script'];
const EXIT_CODES: Partial<Record<RunOutcomeKind, number>> = { ok: 0, 'thresholds-failed': 99 };

export function runnerName(index: number): string {
  return `runner-${index + 1}`;
}

/** `<summary>.json` → `<summary>.runner-2.json`, beside the merged one. */
export function runnerSummaryPath(summaryPath: string, index: number): string {
  return summaryPath.replace(/(\.json)?$/, `.${runnerName(index)}.json`);
}

export function createSplitRunner(inner: Runner, runners: number): Runner {
  return {
    name: inner.name,
    version: () => inner.version(),
    run: (request) => runSplit(inner, runners, request),
  };
}

async function runSplit(inner: Runner, runners: number, request: RunRequest): Promise<RunResult> {
  const latest: Array<RunProgress | undefined> = new Array(runners).fill(undefined);
  const report = () => {
    const seen = latest.filter((p): p is RunProgress => p !== undefined);
    request.onProgress?.({
      elapsedMs: Math.max(0, ...seen.map((p) => p.elapsedMs)),
      requests: seen.reduce((n, p) => n + p.requests, 0),
      failed: seen.reduce((n, p) => n + p.failed, 0),
      vus: seen.reduce((n, p) => n + p.vus, 0),
      runners: latest.map((p, i) => ({ name: runnerName(i), requests: p?.requests ?? 0, started: p !== undefined })),
    });
  };
  const sequence = segmentSequence(runners);
  const barrier = inner.startsTogether ? new StartBarrier(runners, START_WAIT_MS) : undefined;
  const settled = await Promise.allSettled(
    Array.from({ length: runners }, async (_, i) => {
      const summaryPath = runnerSummaryPath(request.summaryPath, i);
      try {
        return await inner.run({
          ...request,
          summaryPath,
          env: { ...request.env, SUMMARY_PATH: summaryPath },
          executionSegment: segmentOf(i, runners),
          executionSegmentSequence: sequence,
          ...(barrier ? { startGate: () => barrier.arrive(runnerName(i)) } : {}),
          onProgress: (progress) => {
            latest[i] = progress;
            report();
          },
        });
      } finally {
        // A runner that ended before it was ready (its pod failed) holds the others no longer.
        barrier?.giveUp(runnerName(i));
      }
    }),
  );
  const results = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  // Engines that return the summary rather than write it (a k6 Job's comes through its log): keep each runner's.
  await Promise.all(
    results.map((r, i) => (r?.summary && !existsSync(runnerSummaryPath(request.summaryPath, i)) ? writeFile(runnerSummaryPath(request.summaryPath, i), `${JSON.stringify(r.summary, null, 2)}\n`) : undefined)),
  );
  const { summary, info: merged } = mergeSummaries(
    settled.map((s, i) => ({
      name: runnerName(i),
      summary: s.status === 'fulfilled' ? s.value.summary : undefined,
      failure: s.status === 'rejected' ? String(s.reason instanceof Error ? s.reason.message : s.reason) : `${s.value.outcome}${s.value.detail ? `: ${s.value.detail}` : ''}`,
    })),
  );
  const info: MergeInfo = barrier ? { ...merged, start: barrier.report() } : merged;
  if (summary) await writeFile(request.summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  const engine = results.find((r) => r)?.engine ?? { name: inner.name, version: await inner.version() };
  const worst = SEVERITY.find((kind) => results.some((r) => r?.outcome === kind));
  const thresholdsFailed = summary ? Object.values(summary.metrics).some((m) => Object.values(m.thresholds ?? {}).some((t) => !t.ok)) : false;
  const outcome: RunOutcomeKind = !summary ? 'engine-error' : (worst ?? (thresholdsFailed ? 'thresholds-failed' : 'ok'));
  const exitCode = EXIT_CODES[outcome] ?? results.find((r) => r?.outcome === outcome)?.exitCode ?? 1;
  return { outcome, exitCode, engine, ...(summary ? { summary } : {}), detail: describeDistribution(info), distribution: info };
}

/** One line for the cell: how many runners contributed, who is missing and why, how percentiles were combined. */
export function describeDistribution(info: MergeInfo): string {
  const parts = [`${info.contributed.length} of ${info.runners} runners contributed`];
  for (const missing of info.missing) parts.push(`${missing.name} missing (${missing.reason})`);
  if (info.start) parts.push(describeStart(info.start));
  parts.push(
    info.percentiles.method === 'latency-buckets'
      ? `percentiles from merged latency buckets (ratio ${info.percentiles.bucketRatio.toFixed(4)}, within ${(info.percentiles.relativeError * 100).toFixed(2)}% + ${info.percentiles.absoluteErrorMs} ms)`
      : `percentiles are upper bounds (the highest runner's): ${info.percentiles.reason}`,
  );
  return parts.join('; ');
}

function describeStart(start: StartReport): string {
  if (start.together) return `started together (each paused until all were ready, ${(start.readySpreadMs / 1000).toFixed(1)} s from first to last)`;
  return `not started together: ${start.late.map((l) => `${l.name} was ready ${(l.lateMs / 1000).toFixed(1)} s after the others had started`).join(', ')}`;
}

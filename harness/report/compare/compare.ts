/**
 * Regression check of one report against a baseline. Per stage × vantage present in
 * both: error and network-error rates by two-proportion z-test (Holm-adjusted across the
 * whole comparison so many cells do not raise false alarms), latency percentiles by
 * relative change beyond a tolerance (k6 summaries carry percentiles, not samples, so no
 * test on distributions is possible; the tolerance is the noise allowance). Fingerprint
 * differences are warnings: the numbers are still compared, but may not be like for like.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors/user-error.ts';
import { fingerprintDifferences } from '../build/fingerprint.ts';
import { REPORT_SHAPE, shapeProblem } from '../shape-check.ts';
import {
  type CellComparison,
  type CellReport,
  type Comparison,
  type LatencyKey,
  type MetricChange,
  REPORT_SCHEMA,
  type Report,
} from '../report-types.ts';
import { holmAdjust, relativeChange, twoProportionZTest } from '../build/statistics.ts';

export interface CompareOptions {
  /** Family-wise significance level for rate changes (default 0.05). */
  alpha?: number;
  /** Relative latency change treated as noise (default 0.25 = 25 %). */
  latencyTolerance?: number;
  /** Absolute latency change always treated as noise, whatever the ratio (default 2 ms): sub-ms loopback latencies jitter by more than 25 %. */
  latencyFloorMs?: number;
}

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_LATENCY_TOLERANCE = 0.25;
export const DEFAULT_LATENCY_FLOOR_MS = 2;
const COMPARED_LATENCIES: LatencyKey[] = ['p50', 'p90', 'p95', 'p99'];
const RATE_METRICS = [
  { metric: 'errorRate', pick: (cell: CellReport) => cell.errorRate },
  { metric: 'networkErrorRate', pick: (cell: CellReport) => cell.networkErrorRate },
] as const;

const key = (cell: { stage: string; vantage: string }) => `${cell.stage}\u0000${cell.vantage}`;

export function compareReports(baseline: Report, current: Report, options: CompareOptions = {}): Comparison {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const latencyTolerance = options.latencyTolerance ?? DEFAULT_LATENCY_TOLERANCE;
  const latencyFloorMs = options.latencyFloorMs ?? DEFAULT_LATENCY_FLOOR_MS;
  const baseCells = new Map(baseline.cells.map((cell) => [key(cell), cell]));
  const currentKeys = new Set(current.cells.map(key));

  const cells: CellComparison[] = [];
  // Rate changes get their p-values first, then Holm adjustment across all of them.
  const pending: { change: MetricChange; raw: number }[] = [];
  for (const cell of current.cells) {
    const base = baseCells.get(key(cell));
    if (!base) continue;
    const comparison: CellComparison = { stage: cell.stage, vantage: cell.vantage, changes: [], skipped: [], regressed: false };
    for (const { metric, pick } of RATE_METRICS) {
      const a = pick(base);
      const b = pick(cell);
      if (a.value === null || b.value === null) {
        comparison.skipped.push(`${metric}: ${a.value === null ? `baseline ${a.reason}` : `current ${(b as { reason: string }).reason}`}`);
        continue;
      }
      const test = twoProportionZTest(b.value.count, b.value.total, a.value.count, a.value.total);
      const change: MetricChange = {
        metric,
        baseline: a.value.rate,
        current: b.value.rate,
        delta: b.value.rate - a.value.rate,
        relative: relativeChange(a.value.rate, b.value.rate),
        pValue: test.pValue,
        significance: 'within-noise',
        direction: 'unchanged',
      };
      pending.push({ change, raw: test.pValue });
      comparison.changes.push(change);
    }
    for (const percentile of COMPARED_LATENCIES) {
      const a = base.latencyMs[percentile];
      const b = cell.latencyMs[percentile];
      if (a.value === null || b.value === null) {
        comparison.skipped.push(`latency ${percentile}: not measured in ${a.value === null ? 'baseline' : 'current'}`);
        continue;
      }
      comparison.changes.push(latencyChange(`latencyMs.${percentile}`, a.value, b.value, latencyTolerance, latencyFloorMs));
    }
    cells.push(comparison);
  }

  const adjusted = holmAdjust(pending.map((p) => p.raw));
  pending.forEach(({ change }, index) => {
    change.pValue = adjusted[index];
    if (adjusted[index] < alpha && change.delta !== 0) {
      change.significance = 'significant';
      // Higher error rates are worse.
      change.direction = change.delta > 0 ? 'regressed' : 'improved';
    }
  });
  for (const comparison of cells) {
    comparison.regressed = comparison.changes.some((change) => change.significance === 'significant' && change.direction === 'regressed');
  }

  const onlyInBaseline = baseline.cells.filter((cell) => !currentKeys.has(key(cell))).map(({ stage, vantage }) => ({ stage, vantage }));
  const onlyInCurrent = current.cells.filter((cell) => !baseCells.has(key(cell))).map(({ stage, vantage }) => ({ stage, vantage }));
  const warnings = fingerprintDifferences(baseline.fingerprint, current.fingerprint);
  if (baseline.confidence !== current.confidence) warnings.push(`confidence level differs: baseline ${baseline.confidence}, current ${current.confidence}`);
  if (onlyInBaseline.length) warnings.push(`${onlyInBaseline.length} cell(s) of the baseline are missing from this run`);

  return {
    baselineRunId: baseline.runId,
    currentRunId: current.runId,
    alpha,
    latencyTolerance,
    latencyFloorMs,
    regressed: cells.some((cell) => cell.regressed),
    improved: cells.some((cell) => cell.changes.some((change) => change.significance === 'significant' && change.direction === 'improved')),
    warnings,
    cells,
    onlyInBaseline,
    onlyInCurrent,
  };
}

function latencyChange(metric: string, baseline: number, current: number, tolerance: number, floorMs: number): MetricChange {
  const delta = current - baseline;
  const relative = relativeChange(baseline, current);
  const beyondTolerance = relative === undefined ? Math.abs(delta) > floorMs : Math.abs(relative) > tolerance;
  const significant = beyondTolerance && Math.abs(delta) > floorMs;
  return {
    metric,
    baseline,
    current,
    delta,
    relative,
    significance: significant ? 'significant' : 'within-noise',
    direction: significant ? (delta > 0 ? 'regressed' : 'improved') : 'unchanged',
  };
}

/** Reads a report.json, given either the file or the run folder holding it. */
export async function loadReport(pathToReportJsonOrRunDir: string): Promise<Report> {
  let file = path.resolve(pathToReportJsonOrRunDir);
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'report.json');
  } catch {
    // Fall through: the read below reports the missing path with a fix.
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError({
      code: 'REPORT_BASELINE_NOT_FOUND',
      message: `no report at ${file}`,
      fix: 'pass a report.json or a run folder that has one (run `bench report <run-dir>` on it first)',
      location: { file },
    });
  }
  let parsed: Partial<Report>;
  try {
    parsed = JSON.parse(text) as Partial<Report>;
  } catch (error) {
    throw new UserError({ code: 'REPORT_INVALID', message: `${file} is not valid JSON: ${(error as Error).message}`, fix: 're-render it with `bench report <run-dir>`', location: { file } });
  }
  if (parsed?.schema !== REPORT_SCHEMA || !Array.isArray(parsed.cells)) {
    throw new UserError({
      code: 'REPORT_SCHEMA',
      message: `${file} has schema ${JSON.stringify(parsed?.schema)}, expected ${REPORT_SCHEMA}`,
      fix: 're-render the baseline with this version: `bench report <baseline-run-dir>`',
      location: { file },
    });
  }
  const problem = shapeProblem(parsed, REPORT_SHAPE);
  if (problem) {
    throw new UserError({ code: 'REPORT_INVALID', message: `${file} is not a report the bench wrote: ${problem}`, fix: 're-render it with `bench report <run-dir>`', location: { file } });
  }
  return parsed as Report;
}

export { comparisonHeadline, renderComparisonMarkdown, renderComparisonTerminal } from '../render/render-comparison.ts';

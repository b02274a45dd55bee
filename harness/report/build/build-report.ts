/**
 * Builds the canonical report from a run folder. Reads the files once, then everything
 * is a pure function of what was read: `reportFromRunFolder` can be called on a folder
 * read elsewhere (tests, the comparison).
 */
import { buildCellReport } from './cell-report.ts';
import { fingerprintOf } from './fingerprint.ts';
import { findLikelyCauses } from './likely-causes/find-likely-causes.ts';
import { type RunFolder, readRunFolder } from '../read-run-folder.ts';
import { REPORT_SCHEMA, type CellReport, type Report, type ReportTotals, type StageReport } from '../report-types.ts';

export interface BuildReportOptions {
  /** Confidence level of every interval in the report (default 0.95). */
  confidence?: number;
  /** Absolute slack when checking a prediction against an interval (default 0.005). */
  predictionTolerance?: number;
}

export async function buildReport(runDir: string, options: BuildReportOptions = {}): Promise<Report> {
  return reportFromRunFolder(await readRunFolder(runDir), options);
}

export function reportFromRunFolder(folder: RunFolder, options: BuildReportOptions = {}): Report {
  const { run } = folder;
  const confidence = options.confidence ?? 0.95;
  const cells = folder.cells.map((files) => buildCellReport(files, { url: run.plan.url, confidence, predictionTolerance: options.predictionTolerance }));

  for (const cell of cells) {
    if (cell.verdict !== 'deviates' && cell.verdict !== 'expectation-failed') continue;
    cell.likelyCauses = findLikelyCauses({
      cell,
      stage: run.stages.find((stage) => stage.name === cell.stage),
      sameStage: cells.filter((other) => other.stage === cell.stage && other !== cell),
      meshProfile: run.plan.meshProfile,
    });
  }

  const stages: StageReport[] = run.stages.map((stage) => ({
    name: stage.name,
    description: stage.description,
    configFiles: stage.configFiles ?? [],
    configVersion: stage.configVersion,
    propagationMs: stage.propagationMs,
    lint: stage.lint ?? [],
  }));

  const recorded = new Set(cells.map((cell) => `${cell.stage}\u0000${cell.vantage}`));
  // Vantages left out with --vantage were never meant to run: only the selected ones can be missing.
  const selectedVantages = Array.isArray(run.options?.vantages) ? run.options.vantages : (run.plan.vantages ?? []);
  const missingCells = run.stages.flatMap((stage) =>
    selectedVantages.filter((vantage) => !recorded.has(`${stage.name}\u0000${vantage}`)).map((vantage) => ({ stage: stage.name, vantage })),
  );

  const totals = countTotals(cells, missingCells.length);
  const cellsOk = cells.every((cell) => cell.execution !== 'failed' && cell.verdict !== 'expectation-failed' && cell.verdict !== 'not-run');
  const passed = run.status === 'completed' && missingCells.length === 0 && cellsOk;

  return {
    schema: REPORT_SCHEMA,
    runId: run.runId,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    passed,
    headline: headline({ passed, status: run.status, totals, cells }),
    confidence,
    plan: run.plan,
    options: run.options,
    versions: run.versions ?? {},
    target: run.target ?? {},
    fingerprint: fingerprintOf(run),
    stages,
    cells,
    missingCells,
    totals,
    limitations: run.limitations ?? [],
  };
}

function countTotals(cells: CellReport[], missing: number): ReportTotals {
  const count = (verdict: CellReport['verdict']) => cells.filter((cell) => cell.verdict === verdict).length;
  return {
    cells: cells.length,
    asConfigured: count('as-configured'),
    deviates: count('deviates'),
    expectationFailed: count('expectation-failed'),
    notModelled: count('not-modelled'),
    notRun: count('not-run'),
    missing,
  };
}

function headline(options: { passed: boolean; status: string; totals: ReportTotals; cells: CellReport[] }): string {
  const { totals } = options;
  const parts: string[] = [];
  if (totals.expectationFailed) parts.push(`${totals.expectationFailed} expectation${totals.expectationFailed === 1 ? '' : 's'} failed`);
  const failedRuns = options.cells.filter((cell) => cell.execution === 'failed').length;
  if (failedRuns) parts.push(`${failedRuns} cell${failedRuns === 1 ? '' : 's'} failed to run`);
  if (totals.missing) parts.push(`${totals.missing} cell${totals.missing === 1 ? '' : 's'} not reached`);
  if (totals.deviates) parts.push(`${totals.deviates} deviate${totals.deviates === 1 ? 's' : ''} from the model`);
  if (totals.asConfigured) parts.push(`${totals.asConfigured} as configured`);
  if (totals.notModelled) parts.push(`${totals.notModelled} not modelled`);
  const run = options.status === 'completed' ? '' : ` (run ${options.status})`;
  return `${options.passed ? 'PASSED' : 'FAILED'}${run}: ${totals.cells} cell${totals.cells === 1 ? '' : 's'}${parts.length ? `, ${parts.join(', ')}` : ''}`;
}

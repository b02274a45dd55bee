/**
 * JUnit XML for CI test tabs: one testcase per stage × vantage (its expectation), one per
 * lint error. A failed bound is a <failure>, a cell that did not run (or was never
 * reached) an <error>, a cell the plan set no expectation for is <skipped>. Deviations
 * from the model do not fail the run, so they pass with the detail in <system-out>.
 */
import { formatLocation } from '../../errors/user-error.ts';
import { cellDetails } from './cell-details.ts';
import { escapeXml } from './escape.ts';
import type { CellReport, Report } from '../report-types.ts';

interface TestCase {
  classname: string;
  name: string;
  time: number;
  outcome: { kind: 'pass' } | { kind: 'failure' | 'error' | 'skipped'; message: string; body?: string };
  systemOut?: string;
}

function seconds(start: string, end: string): number {
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}

function cellCase(report: Report, cell: CellReport): TestCase {
  const classname = `resilience-bench.${report.plan.name}.${cell.stage}`;
  const details = cellDetails(cell)
    .map((row) => `${row.label}: ${row.value}`)
    .join('\n');
  const base = { classname, name: cell.vantage, time: seconds(cell.startedAt, cell.finishedAt), systemOut: details };
  if (cell.verdict === 'not-run' || cell.execution === 'failed') {
    const message = cell.verdict === 'not-run' ? cell.verdictReasons.join('; ') : `the load did not run to completion (outcome ${cell.outcome}${cell.detail ? `: ${cell.detail}` : ''})`;
    return { ...base, outcome: { kind: 'error', message } };
  }
  if (cell.verdict === 'expectation-failed') {
    const failed = cell.checks.filter((check) => !check.passed).map((check) => check.message);
    const causes = cell.likelyCauses.map((cause) => `likely ${cause.code}: ${cause.message} (${cause.evidence})`);
    return { ...base, outcome: { kind: 'failure', message: failed.join('; '), body: [...failed, ...causes].join('\n') } };
  }
  if (!cell.expectation || cell.checks.length === 0) return { ...base, outcome: { kind: 'skipped', message: 'the plan sets no expectation for this stage and vantage' } };
  return { ...base, outcome: { kind: 'pass' } };
}

function renderCase(testCase: TestCase): string {
  const open = `    <testcase classname="${escapeXml(testCase.classname)}" name="${escapeXml(testCase.name)}" time="${testCase.time.toFixed(3)}"`;
  const inner: string[] = [];
  const { outcome } = testCase;
  if (outcome.kind === 'skipped') inner.push(`      <skipped message="${escapeXml(outcome.message)}"/>`);
  if (outcome.kind === 'failure' || outcome.kind === 'error') {
    inner.push(`      <${outcome.kind} message="${escapeXml(outcome.message)}" type="${outcome.kind === 'failure' ? 'expectation-failed' : 'not-run'}">${escapeXml(outcome.body ?? outcome.message)}</${outcome.kind}>`);
  }
  if (testCase.systemOut) inner.push(`      <system-out>${escapeXml(testCase.systemOut)}</system-out>`);
  return inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`;
}

function renderSuite(name: string, cases: TestCase[], timestamp: string): string {
  const count = (kind: string) => cases.filter((c) => c.outcome.kind === kind).length;
  const time = cases.reduce((sum, c) => sum + c.time, 0);
  const head = `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${time.toFixed(3)}" timestamp="${escapeXml(timestamp)}"`;
  return cases.length ? `${head}>\n${cases.map(renderCase).join('\n')}\n  </testsuite>` : `${head}/>`;
}

export function renderJunit(report: Report): string {
  const expectations = [
    ...report.cells.map((cell) => cellCase(report, cell)),
    ...report.missingCells.map(
      (cell): TestCase => ({
        classname: `resilience-bench.${report.plan.name}.${cell.stage}`,
        name: cell.vantage,
        time: 0,
        outcome: { kind: 'error', message: `not reached: the run was ${report.status}${report.error ? ` (${report.error})` : ''}` },
      }),
    ),
  ];
  const lint = report.stages.flatMap((stage) =>
    stage.lint
      .filter((finding) => finding.severity === 'error')
      .map(
        (finding): TestCase => ({
          classname: `resilience-bench.${report.plan.name}.lint.${finding.stage ?? stage.name}`,
          name: `${finding.code}${finding.location ? ` ${formatLocation(finding.location)}` : ''}`,
          time: 0,
          outcome: { kind: 'failure', message: finding.message, body: [finding.message, finding.fix && `fix: ${finding.fix}`].filter(Boolean).join('\n') },
        }),
      ),
  );
  const all = [...expectations, ...lint];
  const count = (kind: string) => all.filter((c) => c.outcome.kind === kind).length;
  const suites = [renderSuite(`${report.plan.name}: expectations`, expectations, report.startedAt)];
  if (lint.length) suites.push(renderSuite(`${report.plan.name}: lint`, lint, report.startedAt));
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${escapeXml(`resilience-bench ${report.plan.name} (${report.runId})`)}" tests="${all.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}">
${suites.join('\n')}
</testsuites>
`;
}

/**
 * Plans written to break the bench: each is a user error with file:line (exit 2, no
 * stack), never a crash, never silently accepted, and never echoes a file's secrets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../harness/util/project-root.ts';
import { benchProcess } from './run-cli.ts';

const STACK = /\n\s+at /;
const WORKLOAD = join(projectRoot, 'manifests', 'workloads', 'appflaky.yaml');

function planProject(options: { url?: string; config?: string; extra?: string; files?: Record<string, string> }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hostile-'));
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), text);
  const plan = join(dir, 'plan.yaml');
  writeFileSync(
    plan,
    [
      'apiVersion: bench.resilience.dev/v1',
      'kind: Plan',
      'metadata: { name: hostile }',
      'spec:',
      '  namespace: retryns',
      `  workloads: [${WORKLOAD}]`,
      `  scenario: { script: unstable-endpoint, url: "${options.url ?? 'http://appflaky.retryns.svc.cluster.local/unstable-endpoint'}" }`,
      '  stages:',
      '    - name: one',
      `      config: ${options.config ?? '[]'}`,
      ...(options.extra ? [options.extra] : []),
      '',
    ].join('\n'),
  );
  return plan;
}

async function lint(plan: string) {
  const result = await benchProcess(['lint', plan]);
  expect(result.stderr, result.all).to.not.match(STACK);
  expect(result.exitCode, result.all).to.equal(2);
  return result;
}

describe('bench lint on hostile plans', function () {
  this.timeout(60_000);

  it('an undefined YAML alias is a syntax error at its line', async () => {
    const result = await lint(planProject({ extra: '      description: *nope' }));
    expect(result.stderr).to.match(/plan\.yaml:\d+:\d+: PLAN_YAML_SYNTAX/);
  });

  it('a scenario url with a port out of range is a user error, not a crash', async () => {
    const result = await lint(planProject({ url: 'http://appflaky.retryns.svc.cluster.local:99999/x' }));
    expect(result.stderr).to.match(/plan\.yaml:7:\d+: PLAN_BAD_URL/);
  });

  it('a PeerAuthentication whose spec is a number is refused, not run as PERMISSIVE', async () => {
    const pa = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: strict, namespace: retryns }\nspec: 5\n';
    const result = await lint(planProject({ config: '[pa.yaml]', files: { 'pa.yaml': pa } }));
    expect(result.stderr).to.match(/pa\.yaml:4:\d+: ISTIO_INVALID_FIELD: spec must be a mapping/);
  });

  it('fields named like Object.prototype members are unknown fields', async () => {
    const result = await lint(planProject({ extra: '      constructor: 1\n      toString: 2' }));
    expect(result.stderr).to.contain('unknown field `constructor`');
    expect(result.stderr).to.contain('unknown field `toString`');
  });

  it('/proc/self/environ as a manifest is refused without echoing it', async () => {
    const result = await benchProcess(['lint', planProject({ config: '[/proc/self/environ]' })], { env: { BENCH_SECRET_TOKEN: 'hunter2-secret' } });
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.contain('is a system file');
    expect(result.all).to.not.contain('hunter2-secret');
  });
});

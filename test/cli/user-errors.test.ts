import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { benchProcess } from './run-cli.ts';

describe('bench CLI: user mistakes get a clear error, exit 2, no stack trace', () => {
  it('an unknown command', async () => {
    const result = await benchProcess(['frobnicate']);
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.contain('unknown command "frobnicate"');
    expect(result.stderr).to.not.match(/\n\s+at /);
  });

  it('an unknown option names the usage', async () => {
    const result = await benchProcess(['--colour']);
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.contain("Unknown option '--colour'");
    expect(result.stderr).to.contain('fix: usage:');
  });

  it('an unknown stage lists the stages', async () => {
    const result = await benchProcess(['--stage', 'retries-50x']);
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.contain('PLAN_UNKNOWN_STAGE');
    expect(result.stderr).to.contain('retries-5xx');
  });

  it('a plan with a typo in an Istio field gets file:line and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
    const vs = join(dir, 'vs.yaml');
    writeFileSync(
      vs,
      [
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata: { name: appflaky, namespace: retryns }',
        'spec:',
        '  hosts: [appflaky.retryns.svc.cluster.local]',
        '  http:',
        '    - route: [{ destination: { host: appflaky.retryns.svc.cluster.local } }]',
        '      retries:',
        '        attempts: 3',
        '        retryOnn: 5xx',
        '',
      ].join('\n'),
    );
    const workload = join(process.cwd(), 'manifests', 'workloads', 'appflaky.yaml');
    const plan = join(dir, 'plan.yaml');
    writeFileSync(
      plan,
      [
        'apiVersion: bench.resilience.dev/v1',
        'kind: Plan',
        'metadata: { name: typo }',
        'spec:',
        '  namespace: retryns',
        `  workloads: [${workload}]`,
        '  scenario: { script: unstable-endpoint, url: http://appflaky.retryns.svc.cluster.local/unstable-endpoint }',
        '  stages:',
        '    - name: one',
        '      config: [vs.yaml]',
        '',
      ].join('\n'),
    );
    const result = await benchProcess(['--plan', plan]);
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.match(/vs\.yaml:10:\d+/);
    expect(result.stderr).to.contain('retryOn');
    expect(result.stderr).to.contain('nothing was run');
    expect(result.stderr).to.not.match(/\n\s+at /);
  });

  it('--engine k6 without a k6 binary says how to get one or which engine to use', async () => {
    // PATH holds only node's own folder, so no k6 is found even where one is installed.
    const result = await benchProcess(['--engine', 'k6'], { env: { PATH: dirname(process.execPath) } });
    // A machine without k6 is an environment problem, not a mistake in the command.
    expect(result.exitCode).to.equal(3);
    expect(result.stderr).to.contain('K6_NOT_FOUND');
    expect(result.stderr).to.contain('--engine embedded');
  });

  it('bench lint on a shipped plan reports the lab findings and exits 0 (warnings only)', async () => {
    const result = await benchProcess(['lint', 'retries-lab']);
    expect(result.exitCode).to.equal(0);
    expect(result.stdout).to.contain('RB101');
    expect(result.stdout).to.contain('retries-lab: 5 stage(s) valid');
  });
});

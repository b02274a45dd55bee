/** The in-cluster k6 Job: ConfigMap limit, Job manifest, and summary from pod logs. */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../harness/errors/user-error.ts';
import { buildBundleConfigMap, buildK6Job, K6_IMAGE, parsePodLog, SUMMARY_BEGIN, SUMMARY_END } from '../../../harness/runners/k6-job/k6-job.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/k6-0.49/handle-summary-data.json');

describe('k6 Job manifests', () => {
  const base = {
    name: 'k6-baseline-in-mesh',
    namespace: 'retryns',
    configMapName: 'k6-bundle',
    fileName: 'unstable-endpoint.js',
    env: { RATE: '50', STAGE: "it's" },
    tags: { stage: 'baseline' },
  };

  it('puts the bundle in a ConfigMap and refuses one over 1 MiB', () => {
    const map = buildBundleConfigMap({ name: 'k6-bundle', namespace: 'retryns', fileName: 'x.js', bundle: 'export default 1;' });
    expect(map.data).to.deep.equal({ 'x.js': 'export default 1;' });
    expect(map.metadata?.namespace).to.equal('retryns');
    const error = (() => {
      try {
        buildBundleConfigMap({ name: 'k6-bundle', namespace: 'retryns', fileName: 'x.js', bundle: 'x'.repeat(1024 * 1024) });
      } catch (e) {
        return e;
      }
    })();
    expect(error).to.be.instanceOf(UserError).and.include({ code: 'K6_BUNDLE_TOO_LARGE' });
  });

  it('builds an in-mesh Job with the pinned image, injection, native sidecar and hold-until-proxy', () => {
    const job = buildK6Job({ ...base, inMesh: true, nativeSidecar: true });
    const pod = job.spec?.template;
    expect(job.spec?.backoffLimit).to.equal(0);
    expect(pod?.metadata?.labels?.['sidecar.istio.io/inject']).to.equal('true');
    expect(pod?.metadata?.annotations).to.deep.equal({
      'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}',
      'sidecar.istio.io/nativeSidecar': 'true',
    });
    const container = pod?.spec?.containers[0];
    expect(container?.image).to.equal(K6_IMAGE).and.equal('grafana/k6:0.49.0');
    expect(pod?.spec?.restartPolicy).to.equal('Never');
    expect(pod?.spec?.volumes?.[0].configMap?.name).to.equal('k6-bundle');
    expect(container?.command?.[2]).to.not.contain('quitquitquit');
  });

  it('falls back to quitquitquit without native sidecars, and injects nothing outside the mesh', () => {
    const classic = buildK6Job({ ...base, inMesh: true, nativeSidecar: false });
    expect(classic.spec?.template.spec?.containers[0].command?.[2]).to.contain('http://localhost:15020/quitquitquit');
    expect(classic.spec?.template.metadata?.annotations).to.not.have.property('sidecar.istio.io/nativeSidecar');
    const outside = buildK6Job({ ...base, inMesh: false, nativeSidecar: false });
    expect(outside.spec?.template.metadata?.labels?.['sidecar.istio.io/inject']).to.equal('false');
    expect(outside.spec?.template.metadata?.annotations).to.deep.equal({});
    expect(outside.spec?.template.spec?.containers[0].command?.[2]).to.not.contain('quitquitquit');
  });

  it('runs a command whose log carries the summary and exit code, with the env in the container\'s environment (checked with a stand-in k6 in sh)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-job-'));
    try {
      // A fake `k6` on PATH that records its argv and writes the fixture to SUMMARY_PATH.
      const summary = readFileSync(FIXTURE, 'utf8');
      writeFileSync(join(dir, 'summary.json'), summary);
      writeFileSync(
        join(dir, 'k6'),
        `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/argv\nprintf '%s|%s' "$RATE" "$STAGE" > ${dir}/env\ncp ${dir}/summary.json "$SUMMARY_PATH"\nexit 99\n`,
        { mode: 0o755 },
      );
      const job = buildK6Job({ ...base, inMesh: false, nativeSidecar: true });
      const container = job.spec?.template.spec?.containers[0];
      const command = (container?.command?.[2] ?? '').replaceAll('/tmp/k6-summary.json', join(dir, 'out.json'));
      // The container's env, as the kubelet would set it.
      const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value === '/tmp/k6-summary.json' ? join(dir, 'out.json') : (e.value ?? '')]));
      let log = '';
      try {
        execFileSync('sh', ['-c', command], { env: { ...env, PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
      } catch (error) {
        log = (error as { stdout: string; status: number }).stdout;
        expect((error as { status: number }).status).to.equal(99);
      }
      const argv = readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n');
      // The plan's env reaches k6 through the environment, never on its command line.
      expect(argv).to.deep.equal(['run', '--no-usage-report', '--tag', 'stage=baseline', '/scripts/unstable-endpoint.js']);
      expect(readFileSync(join(dir, 'env'), 'utf8')).to.equal("50|it's");
      expect(command).to.not.include('RATE');
      const parsed = parsePodLog(`INFO[0000] starting\n${log}`);
      expect(parsed.exitCode).to.equal(99);
      expect(parsed.summary).to.deep.equal(JSON.parse(summary));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses no summary from a log cut off mid-summary', () => {
    expect(parsePodLog(`${SUMMARY_BEGIN}\n{"metrics":`)).to.deep.equal({});
    expect(parsePodLog(`${SUMMARY_BEGIN}\nnot json\n${SUMMARY_END}\nK6-EXIT-CODE=107`)).to.deep.equal({ exitCode: 107 });
  });
});

/**
 * The in-mesh k6 Job's objects and its pod log: the summary, k6's exit code and the
 * client sidecar's counters all leave the pod through the log. No cluster needed.
 */
import { expect } from 'chai';
import { buildBundleConfigMap, buildK6Job, K6_IMAGE, k6JobCommand, parsePodLog, PROXY_STATS_BEGIN, PROXY_STATS_END, SUMMARY_BEGIN, SUMMARY_END } from '../../../harness/runners/k6-job/k6-job.ts';
import { UserError } from '../../../harness/errors/user-error.ts';

const base = { env: { ENDPOINT_URL: 'http://appflaky.retryns.svc.cluster.local/unstable-endpoint' }, tags: { stage: 'it\'s' }, fileName: 'unstable-endpoint.js' };

describe('kubernetes target: k6 Job', () => {
  it('runs the pinned grafana/k6 image, injected, from the bundle ConfigMap, never retried', () => {
    const job = buildK6Job({ ...base, name: 'rb-k6-1', namespace: 'retryns', configMapName: 'rb-k6-1', inMesh: true, nativeSidecar: true });
    const pod = job.spec!.template;
    expect(pod.spec!.containers[0].image).to.equal(K6_IMAGE).and.match(/^grafana\/k6:\d+\.\d+\.\d+$/);
    expect(pod.metadata!.labels!['sidecar.istio.io/inject']).to.equal('true');
    expect(pod.metadata!.annotations!['sidecar.istio.io/nativeSidecar']).to.equal('true');
    expect(job.spec!.backoffLimit).to.equal(0);
    expect(pod.spec!.restartPolicy).to.equal('Never');
    expect(pod.spec!.volumes![0].configMap!.name).to.equal('rb-k6-1');
  });

  it('asks a classic sidecar to quit after printing its counters, and quotes values for the shell', () => {
    const classic = k6JobCommand({ ...base, inMesh: true, nativeSidecar: false });
    expect(classic.indexOf(PROXY_STATS_BEGIN)).to.be.lessThan(classic.indexOf('quitquitquit'));
    expect(classic).to.include(`--tag 'stage=it'\\''s'`);
    expect(k6JobCommand({ ...base, inMesh: true, nativeSidecar: true })).not.to.include('quitquitquit');
  });

  it('reads the summary, exit code and sidecar counters from the log, ignoring k6 chatter', () => {
    const summary = { metrics: { http_reqs: { type: 'counter', contains: 'default', values: { count: 800, rate: 100 } } }, root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] }, options: {}, state: {} };
    const log = ['time="…" level=info msg="Running"', SUMMARY_BEGIN, JSON.stringify(summary), '', SUMMARY_END, 'K6-EXIT-CODE=99', PROXY_STATS_BEGIN, 'envoy_cluster_upstream_rq_retry{cluster_name="outbound|80||a"} 5', PROXY_STATS_END].join('\n');
    const parsed = parsePodLog(log);
    expect(parsed.exitCode).to.equal(99);
    expect(parsed.summary?.metrics.http_reqs).to.deep.equal(summary.metrics.http_reqs);
    expect(parsed.proxyStats).to.equal('envoy_cluster_upstream_rq_retry{cluster_name="outbound|80||a"} 5');
    expect(parsePodLog(`${SUMMARY_BEGIN}\n{"metrics": {`).summary).to.equal(undefined);
  });

  it('refuses a bundle a ConfigMap cannot hold, before the API server would', () => {
    expect(() => buildBundleConfigMap({ name: 'x', namespace: 'y', fileName: 'a.js', bundle: 'x'.repeat(1024 * 1024) })).to.throw(UserError, /ConfigMap holds at most/);
  });
});

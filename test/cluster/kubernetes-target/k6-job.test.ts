/**
 * The in-mesh k6 Job's objects and its pod log: the summary, k6's exit code and the
 * client sidecar's counters all leave the pod through the log, and the cell ends when the
 * k6 container exits. No cluster needed.
 */
import { expect } from 'chai';
import { buildBundleConfigMap, buildK6Job, K6_IMAGE, k6JobCommand, parsePodLog, PROXY_STATS_BEGIN, PROXY_STATS_END, SUMMARY_BEGIN, SUMMARY_END } from '../../../harness/runners/k6-job/k6-job.ts';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { UserError } from '../../../harness/errors/user-error.ts';
import { jobEnded, k6ContainerEnded } from '../../../harness/targets/kubernetes/k6-job-launcher.ts';

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

  it('ends the cell when the k6 container has exited, before the Job controller marks the Job (the sidecar may still run)', () => {
    const pod = (k6: object, phase = 'Running'): V1Pod => ({
      status: {
        phase,
        containerStatuses: [
          { name: 'istio-proxy', image: 'proxyv2', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
          { name: 'k6', image: K6_IMAGE, imageID: '', ready: false, restartCount: 0, state: k6 },
        ],
      },
    });
    const running: V1Job = { status: { active: 1 } };
    expect(k6ContainerEnded([pod({ running: {} })])).to.equal(undefined);
    expect(k6ContainerEnded([])).to.equal(undefined);
    expect(jobEnded(running)).to.equal(undefined);
    expect(k6ContainerEnded([pod({ terminated: { exitCode: 0 } })])).to.equal('complete');
    // k6's own exit codes (99: thresholds crossed) are read from the log; any non-zero exit is a failed pod.
    expect(k6ContainerEnded([pod({ terminated: { exitCode: 99 } })])).to.equal('failed');
    // A Job that ends without a pod to show it (activeDeadlineSeconds) is still seen.
    expect(jobEnded({ status: { conditions: [{ type: 'Failed', status: 'True' }] } })).to.equal('failed');
    expect(jobEnded({ status: { succeeded: 1 } })).to.equal('complete');
  });
});

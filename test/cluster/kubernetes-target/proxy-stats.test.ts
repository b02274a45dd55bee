/**
 * Sidecar counters on a cluster come as Prometheus text from pilot-agent (:15020); they are
 * mapped back to the Envoy names the report sums, and a cell gets after − before.
 */
import { expect } from 'chai';
import { sumProxyCounters } from '../../../harness/report/build/proxy-counters.ts';
import { counterDelta, envoyCounters, parsePrometheusText } from '../../../harness/targets/kubernetes/proxy-stats.ts';

const CLUSTER = 'outbound|80||appflaky.retryns.svc.cluster.local';
const TEXT = `# TYPE envoy_cluster_upstream_rq_retry counter
envoy_cluster_upstream_rq_retry{cluster_name="${CLUSTER}"} 864
envoy_cluster_upstream_rq_retry_success{cluster_name="${CLUSTER}"} 402
envoy_cluster_upstream_rq_total{cluster_name="${CLUSTER}"} 1664
envoy_cluster_upstream_rq_per_try_timeout{cluster_name="${CLUSTER}"} 3
envoy_cluster_outlier_detection_ejections_enforced_total{cluster_name="${CLUSTER}"} 2
envoy_cluster_upstream_rq_total{cluster_name="inbound|5000||"} 1200
envoy_http_fault_aborts_injected{http_conn_manager_prefix="outbound_0.0.0.0_80"} 7
# TYPE istio_requests_total counter
istio_requests_total{response_code="200",reporter="source"} 800
envoy_server_live 1
`;

describe('kubernetes target: proxy counters from Prometheus text', () => {
  it('parses samples with labels, escapes and timestamps', () => {
    const samples = parsePrometheusText('a_total{x="q\\"uote",y="b"} 3 1700000000000\n# HELP b\nb 2.5\nbad line');
    expect(samples).to.deep.equal([
      { name: 'a_total', labels: { x: 'q"uote', y: 'b' }, value: 3 },
      { name: 'b', labels: {}, value: 2.5 },
    ]);
  });

  it("maps Envoy's Prometheus names back to Envoy stat names, which the report sums", () => {
    const counters = envoyCounters(TEXT);
    expect(counters).to.include({
      [`cluster.${CLUSTER}.upstream_rq_retry`]: 864,
      [`cluster.${CLUSTER}.outlier_detection.ejections_enforced_total`]: 2,
      'http.outbound_0.0.0.0_80.fault.aborts_injected': 7,
    });
    expect(Object.keys(counters).some((k) => k.includes('istio_requests'))).to.equal(false);
    const report = sumProxyCounters({ collectedAt: '', proxies: { 'client-sidecar': counters } }, 'missing', 'appflaky.retryns.svc.cluster.local');
    expect(report.counters.retries.value).to.equal(864);
    expect(report.counters.retrySuccesses.value).to.equal(402);
    expect(report.counters.upstreamRequests.value).to.equal(1664);
    expect(report.counters.perTryTimeouts.value).to.equal(3);
    expect(report.counters.ejections.value).to.equal(2);
    expect(report.counters.faultAbortsInjected.value).to.equal(7);
  });

  it("gives a cell the difference of two readings, counting a restarted proxy's counters from zero", () => {
    expect(counterDelta({ a: 10, b: 3, c: 5 }, { a: 4, b: 7 })).to.deep.equal({ a: 6, b: 3, c: 5 });
  });
});

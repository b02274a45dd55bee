/** The simulated pilot-agent's Prometheus text reads back, through the target's parser, as the counters it was made from. */
import { expect } from 'chai';
import { envoyCounters } from '../../../harness/targets/kubernetes/proxy-stats.ts';
import { prometheusText } from './prometheus-text.ts';

describe('simulator: sidecar counters as Prometheus text', () => {
  it('round-trips cluster, outlier and fault counters through the kubernetes target parser', () => {
    const counters = {
      'cluster.outbound|80||appflaky.retryns.svc.cluster.local.upstream_rq_total': 1664,
      'cluster.outbound|80||appflaky.retryns.svc.cluster.local.upstream_rq_retry': 864,
      'cluster.outbound|80|v1|appflaky.retryns.svc.cluster.local.outlier_detection.ejections_active': 1,
      'cluster.inbound|5000||.upstream_rq_total': 800,
      'http.outbound_0.0.0.0_80.fault.aborts_injected': 12,
    };
    expect(envoyCounters(prometheusText(counters))).to.deep.equal(counters);
  });
});

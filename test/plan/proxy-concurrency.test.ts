/**
 * The sidecar's worker threads (mesh-semantics §4) come from the pod template's
 * `proxy.istio.io/config` annotation, as Istio reads them; unset means the default of 2.
 */
import { expect } from 'chai';
import { buildWorkloads } from '../../harness/plan/workloads.ts';
import { parseManifests } from '../../harness/yaml/parse-manifests.ts';
import { workloadYaml } from '../fixtures/plan-files.ts';

function withProxyConfig(value: string) {
  const text = workloadYaml().replace('        app: app\n    spec:', `        app: app\n      annotations:\n        proxy.istio.io/config: '${value}'\n    spec:`);
  expect(text).to.contain('proxy.istio.io/config');
  const parsed = parseManifests(text, 'workload.yaml', { codePrefix: 'WORKLOAD' });
  expect(parsed.errors).to.deep.equal([]);
  return buildWorkloads(parsed.objects);
}

describe('proxy concurrency annotation', () => {
  it('reads concurrency from a JSON or YAML ProxyConfig', () => {
    expect(withProxyConfig('{"concurrency": 4}').workloads[0].proxyConcurrency).to.equal(4);
    expect(withProxyConfig('concurrency: 1').workloads[0].proxyConcurrency).to.equal(1);
  });

  it('leaves the default when unset, absent from the ProxyConfig, or 0 (all cores of a node unknown here)', () => {
    const plain = parseManifests(workloadYaml(), 'workload.yaml', { codePrefix: 'WORKLOAD' });
    expect(buildWorkloads(plain.objects).workloads[0].proxyConcurrency).to.equal(undefined);
    expect(withProxyConfig('{"holdApplicationUntilProxyStarts": true}').workloads[0].proxyConcurrency).to.equal(undefined);
    expect(withProxyConfig('{"concurrency": 0}').workloads[0].proxyConcurrency).to.equal(undefined);
  });

  it('reports a concurrency that is not a whole number, with the annotation location', () => {
    const { errors } = withProxyConfig('{"concurrency": "two"}');
    expect(errors.map((e) => e.code)).to.deep.equal(['WORKLOAD_INVALID_FIELD']);
    expect(errors[0].message).to.contain('concurrency');
    expect(errors[0].location?.line).to.be.a('number');
  });
});

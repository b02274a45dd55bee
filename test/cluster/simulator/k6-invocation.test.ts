/** The simulated k6 container reads its env and tags back from the line the Job launcher writes. */
import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { buildK6Job } from '../../../harness/runners/k6-job/manifests.ts';
import { k6Invocation } from './k6-job-pod.ts';

describe('simulator: the k6 container line', () => {
  it('gives back every -e and --tag value, quotes and = signs included', () => {
    const env = { ENDPOINT_URL: 'http://a.b.svc/x?y=1', REQUEST_HEADERS: `{"Host":"it's here"}`, EMPTY: '' };
    const tags = { stage: 'retries 5xx', vantage: 'in-mesh' };
    const job = buildK6Job({ name: 'j', namespace: 'n', configMapName: 'c', fileName: 'unstable-endpoint.js', env, tags, inMesh: true, nativeSidecar: false });
    const pod = { metadata: { name: 'p' }, spec: job.spec?.template.spec } as V1Pod;
    const invocation = k6Invocation(pod);
    expect(invocation.env).to.deep.equal({ ...env, SUMMARY_PATH: '/tmp/k6-summary.json' });
    expect(invocation.tags).to.deep.equal(tags);
    expect(invocation.script).to.equal('/scripts/unstable-endpoint.js');
  });
});

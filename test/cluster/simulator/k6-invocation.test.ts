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

  it('reads a paused split runner\'s flags, in the bench\'s form and in the operator\'s --flag=value form with env in the container', () => {
    const job = buildK6Job({ name: 'j', namespace: 'n', configMapName: 'c', fileName: 's.js', env: {}, tags: {}, inMesh: true, nativeSidecar: false, extraArgs: ['--paused', '--address', '0.0.0.0:6565', '--execution-segment', '1/4:2/4', '--execution-segment-sequence', '0,1/4,1/2,3/4,1'] });
    const ours = k6Invocation({ metadata: { name: 'p' }, spec: job.spec?.template.spec } as V1Pod);
    expect(ours).to.include({ paused: true, address: '0.0.0.0:6565', executionSegment: '1/4:2/4', executionSegmentSequence: '0,1/4,1/2,3/4,1' });
    const operator = k6Invocation({
      metadata: { name: 'r' },
      spec: { containers: [{ name: 'k6', command: ['sh', '-c', 'k6 run --quiet --execution-segment=0:1/4 --execution-segment-sequence=0,1/4,1/2,3/4,1 --address=0.0.0.0:6565 --paused --tag stage=a /test/s.js'], env: [{ name: 'RATE', value: '30' }] }] },
    } as V1Pod);
    expect(operator).to.deep.include({ paused: true, address: '0.0.0.0:6565', executionSegment: '0:1/4', script: '/test/s.js', env: { RATE: '30' }, tags: { stage: 'a' } });
  });
});

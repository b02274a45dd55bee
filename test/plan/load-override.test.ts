import { expect } from 'chai';
import type { ScenarioSettings } from '../../harness/model/plan.ts';
import { withLoadOverride } from '../../harness/plan/load-override.ts';

const sizedFor100: ScenarioSettings = {
  script: 'unstable-endpoint',
  url: 'http://app.ns1.svc.cluster.local/',
  rate: 100,
  duration: '8s',
  preAllocatedVUs: 50,
  maxVUs: 200,
  requestTimeout: '10s',
  env: {},
};

describe('--rate and --duration overrides', () => {
  it('--rate 2000 on a plan sized for 100/s scales the VUs with the rate', () => {
    const scenario = withLoadOverride(sizedFor100, { rate: 2000 });
    expect(scenario.rate).to.equal(2000);
    expect(scenario.preAllocatedVUs).to.equal(1000);
    expect(scenario.maxVUs).to.equal(4000);
  });

  it('never beyond the schema ceiling of 10000 VUs, never fewer than the plan asked for', () => {
    expect(withLoadOverride(sizedFor100, { rate: 10_000 }).maxVUs).to.equal(10_000);
    expect(withLoadOverride(sizedFor100, { rate: 10 })).to.include({ rate: 10, preAllocatedVUs: 50, maxVUs: 200 });
  });

  it('--duration replaces the duration and leaves the VUs alone', () => {
    expect(withLoadOverride(sizedFor100, { duration: '2s' })).to.include({ duration: '2s', rate: 100, maxVUs: 200 });
  });
});

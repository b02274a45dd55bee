import { expect } from 'chai';
import { planSteps } from '../../harness/plan/planner.ts';
import { listPlans, resolvePlanPath } from '../../harness/plan/resolve-plan.ts';
import type { VantageName } from '../../harness/model/plan.ts';
import { GATEWAY, plan, stage } from '../fixtures/plan-objects.ts';
import { refusalOf as thrown } from '../fixtures/user-errors.ts';


describe('planner', () => {
  const threeStages = plan({ stages: [stage('baseline'), stage('strict'), stage('retries')] });

  it('runs every stage from every plan vantage, in plan order, by default', () => {
    const steps = planSteps(threeStages, {});
    expect(steps.map((s) => s.stage.name)).to.deep.equal(['baseline', 'strict', 'retries']);
    expect(steps.every((s) => s.vantages.join() === 'in-mesh,external')).to.equal(true);
  });

  it('selects stages and vantages, keeping plan order', () => {
    const steps = planSteps(threeStages, { stages: ['retries', 'baseline'], vantages: ['external'] });
    expect(steps.map((s) => [s.stage.name, s.vantages])).to.deep.equal([
      ['baseline', ['external']],
      ['retries', ['external']],
    ]);
  });

  it('rejects an unknown stage with the closest name', () => {
    const error = thrown(() => planSteps(threeStages, { stages: ['retires'] }));
    expect(error.code).to.equal('PLAN_UNKNOWN_STAGE');
    expect(error.fix).to.equal('did you mean `retries`?');
    expect(thrown(() => planSteps(threeStages, { stages: ['zzz'] })).fix).to.equal('stages: `baseline`, `strict`, `retries`');
  });

  it('rejects a vantage the plan does not run, or that does not exist', () => {
    expect(thrown(() => planSteps(threeStages, { vantages: ['gateway'] })).code).to.equal('PLAN_UNKNOWN_VANTAGE');
    expect(thrown(() => planSteps(threeStages, { vantages: ['in-mash' as VantageName] })).fix).to.equal('did you mean `in-mesh`?');
  });

  it('requires a Gateway for the gateway vantage', () => {
    const withGateway = plan({ stages: [stage('a', GATEWAY)], vantages: ['in-mesh', 'gateway'] });
    expect(planSteps(withGateway, {})[0].vantages).to.deep.equal(['in-mesh', 'gateway']);
    const without = plan({ stages: [stage('a')], vantages: ['in-mesh', 'gateway'] });
    expect(thrown(() => planSteps(without, {})).code).to.equal('PLAN_GATEWAY_MISSING');
    expect(planSteps(without, { vantages: ['in-mesh'] })).to.have.length(1);
  });
});

describe('resolvePlanPath', () => {
  it('finds shipped plans by name and files by path', () => {
    expect(resolvePlanPath('retries-lab', '/')).to.match(/manifests\/plans\/retries-lab\.yaml$/);
    const path = resolvePlanPath('retries-lab', '/');
    expect(resolvePlanPath(path, '/tmp')).to.equal(path);
    expect(listPlans()).to.include('retries-lab');
  });

  it('PLAN_NOT_FOUND lists the available plans and suggests the closest', () => {
    const error = thrown(() => resolvePlanPath('retries-lb', '/'));
    expect(error.code).to.equal('PLAN_NOT_FOUND');
    expect(error.fix).to.match(/^did you mean `retries-lab`\? available plans: .*retries-lab/);
    expect(thrown(() => resolvePlanPath('./missing.yaml', '/tmp')).message).to.contain('/tmp/missing.yaml');
  });
});

/** `runners:` in a plan and `--runners` on the command line: whole numbers from 1 to 64, checked before anything runs. */
import { join } from 'node:path';
import { expect } from 'chai';
import { parseRunnersOption } from '../../harness/cli/load-options.ts';
import { UserError, UserErrors } from '../../harness/errors/user-error.ts';
import { loadPlan } from '../../harness/plan/load-plan.ts';
import { planYaml, workloadYaml, writeProject } from '../fixtures/plan-files.ts';

describe('runners: splitting in-mesh load', () => {
  it('a plan may ask for runners; without the field a cell has one', async () => {
    const withRunners = await loadPlan(join(writeProject({ 'plan.yaml': planYaml({ scenarioExtra: '    runners: 4\n' }), 'workload.yaml': workloadYaml() }), 'plan.yaml'));
    expect(withRunners.scenario.runners).to.equal(4);
    const without = await loadPlan(join(writeProject({ 'plan.yaml': planYaml(), 'workload.yaml': workloadYaml() }), 'plan.yaml'));
    expect(without.scenario.runners).to.equal(undefined);
  });

  it('a plan with runners out of range is a plan mistake', async () => {
    const error = await loadPlan(join(writeProject({ 'plan.yaml': planYaml({ scenarioExtra: '    runners: 0\n' }), 'workload.yaml': workloadYaml() }), 'plan.yaml')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(UserErrors);
    expect((error as UserErrors).errors.map((e) => e.message).join(' ')).to.include('runners');
  });

  it('--runners takes 1 to 64', () => {
    expect(parseRunnersOption(undefined)).to.equal(undefined);
    expect(parseRunnersOption('4')).to.equal(4);
    for (const bad of ['0', '65', '2.5', 'four', '-1']) expect(() => parseRunnersOption(bad), bad).to.throw(UserError, /--runners must be a whole number from 1 to 64/);
  });
});

import { expect } from 'chai';
import { join } from 'node:path';
import { UserErrors } from '../../harness/errors/user-error.ts';
import { loadPlan } from '../../harness/plan/load-plan.ts';
import { planYaml, workloadYaml, writeProject } from '../fixtures/plan-files.ts';

async function errorsOf(files: Record<string, string>): Promise<string[]> {
  const dir = writeProject(files);
  try {
    await loadPlan(join(dir, 'plan.yaml'));
  } catch (error) {
    if (error instanceof UserErrors) return error.errors.map((e) => `${e.code}@${e.location?.line}: ${e.message}`);
    throw error;
  }
  return [];
}

describe('plan bounds a nightly job relies on', () => {
  it('a cell duration beyond 24h is refused at its line, as --duration is', async () => {
    const errors = await errorsOf({ 'plan.yaml': planYaml({ scenarioExtra: '    duration: 10000h\n' }), 'workload.yaml': workloadYaml() });
    expect(errors).to.deep.equal(['PLAN_BAD_VALUE@10: spec.scenario.duration must be a duration of at most 24h, got "10000h"']);
  });

  it('a spec that is a list is refused, not read as an empty spec', async () => {
    const pa = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: ns1 }\nspec: [STRICT]\n';
    const stages = '    - name: strict\n      config: [pa.yaml]\n';
    const errors = await errorsOf({ 'plan.yaml': planYaml({ stages }), 'workload.yaml': workloadYaml(), 'pa.yaml': pa });
    expect(errors).to.deep.equal(['ISTIO_INVALID_FIELD@4: spec must be a mapping (key: value), got a list']);
  });

  it('a manifest that is a device or a folder is refused without reading it', async () => {
    const stages = '    - name: one\n      config: [/dev/zero, /tmp]\n';
    const errors = await errorsOf({ 'plan.yaml': planYaml({ stages }), 'workload.yaml': workloadYaml() });
    expect(errors).to.have.length(2);
    expect(errors[0]).to.match(/^PLAN_FILE_NOT_FOUND@\d+: file \/dev\/zero is a system file/);
    expect(errors[1]).to.match(/^PLAN_FILE_NOT_FOUND@\d+: file \/tmp is not a regular file/);
  });
});

/**
 * Preflight against a real API server: every failure is an environment error naming its
 * fix, before anything changes. The shipped roles (manifests/rbac/) pass with every
 * optional permission; a narrower role names the missing verb and resource.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { exitCodeFor } from '../../../harness/errors/error-codes.ts';
import { connect } from '../../../harness/targets/kubernetes/connect.ts';
import { preflight } from '../../../harness/targets/kubernetes/preflight.ts';
import type { Plan } from '../../../harness/model/plan.ts';
import { projectRoot } from '../../../harness/util/project-root.ts';
import { type ControlPlane, skipUnlessControlPlane } from '../fixture/control-plane.ts';
import { asyncRefusalOf as preflightError } from '../../fixtures/user-errors.ts';
import { NAMESPACE, bindShippedRoles, createAll, injectorWebhook, installIstioCrds, kubeconfigSecrets, startTestCluster, testPlan, yamlObjects, ROLE_FILE } from './helpers.ts';


describe('kubernetes target: preflight, unreachable cluster', () => {
  it('says which server did not answer, with exit 3, and never prints the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-kubeconfig-'));
    const file = join(dir, 'config');
    const token = 'sEcReT-bearer-token-0123456789abcdef';
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{ name: gone, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]
users: [{ name: someone, user: { token: ${token} } }]
contexts: [{ name: gone, context: { cluster: gone, user: someone } }]
current-context: gone
`,
    );
    const plan = await testPlan();
    const error = await preflightError(preflight({ connection: connect({ kubeconfig: file }), plan, vantages: ['in-mesh'], injection: { kind: 'auto' }, timeoutMs: 5000 }));
    expect(error.code).to.equal('CLUSTER_UNREACHABLE');
    expect(exitCodeFor(error.code)).to.equal(3);
    expect(error.message).to.include('https://127.0.0.1:1').and.include('context gone');
    expect(`${error.message} ${error.fix}`).not.to.include(token);

    // The same through the CLI: exit 3, and the token is in neither the output nor the run folder.
    const results = mkdtempSync(join(tmpdir(), 'rb-results-'));
    const cli = spawnSync(join(projectRoot, 'node_modules', '.bin', 'tsx'), [join(projectRoot, 'harness', 'cli', 'main.ts'), 'run', '--target', 'kubernetes', '--kubeconfig', file, '--results', results], { encoding: 'utf8', timeout: 120_000 });
    expect(cli.status, cli.stderr).to.equal(3);
    expect(cli.stderr).to.include('CLUSTER_UNREACHABLE');
    const written = readdirSync(results, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
      .join('\n');
    for (const text of [cli.stdout, cli.stderr, written]) expect(text).not.to.include(token);
  });
});

describe('kubernetes target: preflight against a control plane', function () {
  this.timeout(120_000);
  let cp: ControlPlane;
  let admin: KubeConfig;
  let plan: Plan;

  before(async function () {
    this.timeout(60 * 60_000);
    await skipUnlessControlPlane(this);
    ({ cp, admin } = await startTestCluster());
    plan = await testPlan();
  });
  after(async () => {
    await cp?.stop();
  });

  const run = (kubeconfig: string, injection: Parameters<typeof preflight>[0]['injection'] = { kind: 'auto' }) =>
    preflight({ connection: connect({ kubeconfig }), plan, vantages: ['in-mesh'], injection });

  it('refuses a cluster without Istio: ISTIO_CRDS_MISSING names the kinds, exit 3', async () => {
    const error = await preflightError(run(cp.adminKubeconfigPath));
    expect(error.code).to.equal('ISTIO_CRDS_MISSING');
    expect(exitCodeFor(error.code)).to.equal(3);
    expect(error.message).to.include('PeerAuthentication (security.istio.io/v1)').and.include('VirtualService (networking.istio.io/v1)');
    expect(error.fix).to.match(/install Istio/);
  });

  it('refuses a cluster with Istio kinds but no sidecar injector: INJECTION_UNAVAILABLE', async () => {
    await installIstioCrds(admin);
    const error = await preflightError(run(cp.adminKubeconfigPath));
    expect(error.code).to.equal('INJECTION_UNAVAILABLE');
  });

  it('picks istio.io/rev for a revisioned injector (the AKS add-on) and istio-injection for a default one', async () => {
    await createAll(admin, [injectorWebhook('asm-1-27')]);
    const revisioned = await run(cp.adminKubeconfigPath);
    expect(revisioned.injection.labels).to.deep.equal({ 'istio.io/rev': 'asm-1-27', 'istio-injection': null });
    expect(revisioned.kubernetesVersion).to.equal(cp.version);
    const label = await preflightError(run(cp.adminKubeconfigPath, { kind: 'label' }));
    expect(label.code).to.equal('INJECTION_UNAVAILABLE');
    expect(label.fix).to.include('rev:asm-1-27');
    await createAll(admin, [injectorWebhook()]);
    const both = await run(cp.adminKubeconfigPath);
    expect(both.injection.labels).to.deep.equal({ 'istio-injection': 'enabled' });
  });

  it('passes with the shipped roles bound, every optional permission included', async () => {
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
    await bindShippedRoles(admin, 'bench-user', NAMESPACE);
    const result = await run(cp.kubeconfigFor('bench-user'));
    expect(result.notes).to.deep.equal([]);
    expect(result.can).to.deep.equal({ exec: true, podProxy: true, podProxyPatch: true, listNodes: true, testRuns: true });
    // A split run also asks for k6.io testruns, which the shipped role grants.
    const split = await preflight({ connection: connect({ kubeconfig: cp.kubeconfigFor('bench-user') }), plan: { ...plan, scenario: { ...plan.scenario, runners: 4 } }, vantages: ['in-mesh'], injection: { kind: 'auto' } });
    expect(split.notes).to.deep.equal([]);
    expect(split.can.testRuns).to.equal(true);
  });

  it('a split run without testruns or pods/proxy patch falls back to Jobs that start as their pods come up, and says so; it is not an error', async () => {
    const noTestRuns = yamlObjects(ROLE_FILE).map((role) => {
      const copy = structuredClone(role) as KubernetesObject & { rules: { resources: string[]; verbs: string[] }[] };
      copy.rules = copy.rules.filter((r) => !r.resources.includes('testruns'));
      for (const rule of copy.rules) if (rule.resources.includes('pods/proxy')) rule.verbs = rule.verbs.filter((v) => v !== 'patch');
      return copy;
    });
    await bindShippedRoles(admin, 'no-testruns-user', NAMESPACE, noTestRuns);
    const result = await preflight({ connection: connect({ kubeconfig: cp.kubeconfigFor('no-testruns-user') }), plan: { ...plan, scenario: { ...plan.scenario, runners: 4 } }, vantages: ['in-mesh'], injection: { kind: 'auto' } });
    expect(result.can.testRuns).to.equal(false);
    expect(result.notes.join('\n')).to.include('create k6.io/testruns in namespace retryns').and.include('N plain Jobs with k6 execution segments');
    expect(result.can.podProxyPatch).to.equal(false);
    expect(result.can.podProxy).to.equal(true);
    expect(result.notes.join('\n')).to.include('patch pods/proxy in namespace retryns').and.include('each Job starts its load as its pod comes up');
  });

  it('names each missing verb and resource for a narrower role, exit 3', async () => {
    const narrower = yamlObjects(ROLE_FILE).map((role) => {
      const copy = structuredClone(role) as KubernetesObject & { rules: { resources: string[]; verbs: string[] }[] };
      for (const rule of copy.rules) {
        if (rule.resources.includes('peerauthentications')) rule.verbs = rule.verbs.filter((v) => v !== 'patch');
        if (rule.resources.includes('pods/exec')) rule.verbs = [];
      }
      copy.rules = copy.rules.filter((r) => r.verbs.length > 0);
      return copy;
    });
    await bindShippedRoles(admin, 'narrow-user', NAMESPACE, narrower);
    const error = await preflightError(run(cp.kubeconfigFor('narrow-user')));
    expect(error.code).to.equal('RBAC_DENIED');
    expect(exitCodeFor(error.code)).to.equal(3);
    expect(error.message).to.include('patch security.istio.io/peerauthentications in namespace retryns');
    expect(error.message).to.include('narrow-user');
    // Optional permissions are not errors: without exec the run settles instead.
    expect(error.message).not.to.include('pods/exec');
    for (const secret of kubeconfigSecrets(cp.kubeconfigFor('narrow-user'))) expect(`${error.message} ${error.fix}`).not.to.include(secret);
  });

  it('runs without pods/exec, saying the stages will settle instead of being observed', async () => {
    const noExec = yamlObjects(ROLE_FILE).map((role) => {
      const copy = structuredClone(role) as KubernetesObject & { rules: { resources: string[]; verbs: string[] }[] };
      copy.rules = copy.rules.filter((r) => !r.resources.includes('pods/exec'));
      return copy;
    });
    await bindShippedRoles(admin, 'no-exec-user', NAMESPACE, noExec);
    const result = await run(cp.kubeconfigFor('no-exec-user'));
    expect(result.can.exec).to.equal(false);
    expect(result.notes.join('\n')).to.include('pods/exec in namespace retryns').and.include('settle');
  });

  it('reports a user the API server does not know as unauthorized, not as unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-kubeconfig-'));
    const file = join(dir, 'config');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{ name: test, cluster: { server: "${cp.server}", insecure-skip-tls-verify: true } }]
users: [{ name: stranger, user: { token: not-a-valid-token-0123456789 } }]
contexts: [{ name: test, context: { cluster: test, user: stranger } }]
current-context: test
`,
    );
    const error = await preflightError(run(file));
    expect(error.code).to.equal('CLUSTER_AUTH_FAILED');
    expect(error.message).not.to.include('not-a-valid-token');
  });
});

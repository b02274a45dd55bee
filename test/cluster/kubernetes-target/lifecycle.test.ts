/**
 * The kubernetes target against a real API server: namespaces, workloads and every stage's
 * Istio objects are applied with server-side apply, and restore leaves every object of the
 * namespace exactly as it was found (compared object by object, namespace labels included),
 * also through `bench restore` after the run was killed. Conflicts with another field
 * manager stop a stage before anything changes; changes another manager made during the
 * run are reported and left alone. No credential reaches the snapshot or the log.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { UserError } from '../../../harness/errors/user-error.ts';
import { projectRoot } from '../../../harness/util/project-root.ts';
import { type ControlPlane, skipUnlessControlPlane } from '../fixture/control-plane.ts';
import { bindShippedRoles, createAll, eventually, injectorWebhook, installIstioCrds, kubeConfig, kubeconfigSecrets, namespaceState, startTestCluster } from './helpers.ts';
import { startTarget } from './run-target.ts';

const NETWORKING = { group: 'networking.istio.io', version: 'v1' };
const SECURITY = { group: 'security.istio.io', version: 'v1' };

describe('kubernetes target: apply, snapshot and restore against a control plane', function () {
  this.timeout(180_000);
  let cp: ControlPlane;
  let admin: KubeConfig;

  before(async function () {
    this.timeout(60 * 60_000);
    await skipUnlessControlPlane(this);
    ({ cp, admin } = await startTestCluster());
    await installIstioCrds(admin);
    await createAll(admin, [injectorWebhook()]);
  });
  after(async () => {
    await cp?.stop();
  });

  /** A namespace as a team would have it: labels of its own, injection off, a ServiceAccount and a VirtualService of theirs. */
  async function existingNamespace(name: string, user: string): Promise<string> {
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name, labels: { team: 'platform', 'istio-injection': 'disabled' } } } });
    const api = KubernetesObjectApi.makeApiClient(admin);
    await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'appflaky', namespace: name, labels: { owner: 'platform' } } } as KubernetesObject, undefined, undefined, 'kubectl-create');
    await api.create(
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'other', namespace: name }, spec: { hosts: ['other'], http: [{ route: [{ destination: { host: 'other' } }] }] } } as KubernetesObject,
      undefined,
      undefined,
      'kubectl-create',
    );
    await bindShippedRoles(admin, user, name);
    return cp.kubeconfigFor(user);
  }

  async function peerAuthMode(namespace: string): Promise<string | undefined> {
    try {
      const pa = (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...SECURITY, namespace, plural: 'peerauthentications', name: 'default' })) as { spec?: { mtls?: { mode?: string } } };
      return pa.spec?.mtls?.mode;
    } catch {
      return undefined;
    }
  }

  async function virtualService(namespace: string): Promise<{ metadata: { labels?: Record<string, string> }; spec: { http: { retries?: { retryOn?: string } }[] } } | undefined> {
    try {
      return (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...NETWORKING, namespace, plural: 'virtualservices', name: 'appflaky' })) as never;
    } catch {
      return undefined;
    }
  }

  it('runs every stage as declared and then leaves every object exactly as found', async () => {
    const namespace = 'lab-a';
    const kubeconfig = await existingNamespace(namespace, 'runner-a');
    const before = await namespaceState(admin, namespace);
    const runDir = mkdtempSync(join(tmpdir(), 'rb-run-'));
    const { target, stage, lines } = await startTarget({ kubeconfig, runDir, namespace });

    const ns = await admin.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
    expect(ns.metadata?.labels).to.include({ team: 'platform', 'istio-injection': 'enabled' });
    const deployment = (await KubernetesObjectApi.makeApiClient(admin).read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'appflaky', namespace } })) as KubernetesObject & {
      spec: { template: { metadata: { annotations: Record<string, string> } } };
    };
    expect(JSON.parse(deployment.spec.template.metadata.annotations['proxy.istio.io/config']).proxyStatsMatcher.inclusionRegexps).to.include('.*upstream_rq_retry.*');
    expect(existsSync(join(runDir, 'snapshot.json'))).to.equal(true);

    await stage('baseline');
    expect(await peerAuthMode(namespace)).to.equal(undefined);
    await stage('strict');
    expect(await peerAuthMode(namespace)).to.equal('STRICT');
    expect(await virtualService(namespace)).to.equal(undefined);
    await stage('retries-default');
    expect((await virtualService(namespace))?.spec.http[0].retries?.retryOn).to.equal(undefined);
    await stage('retries-5xx');
    expect((await virtualService(namespace))?.spec.http[0].retries?.retryOn).to.equal('5xx');
    await stage('permissive');
    expect(await peerAuthMode(namespace)).to.equal('PERMISSIVE');
    await stage('baseline');
    expect(await peerAuthMode(namespace)).to.equal(undefined);
    expect(await virtualService(namespace)).to.equal(undefined);

    // What a second Ctrl-C would print: everything the run touched, and what restore does with it.
    expect(target.pendingRestore()).to.include.members(['Namespace lab-a: put back as it was', 'Deployment lab-a/appflaky: delete (created by the run)', 'ServiceAccount lab-a/appflaky: put back as it was']);
    await target.restore();
    expect(await namespaceState(admin, namespace)).to.deep.equal(before);
    expect(target.pendingRestore()).to.deep.equal([]);

    const written = `${readFileSync(join(runDir, 'snapshot.json'), 'utf8')}\n${lines.join('\n')}`;
    const secrets = kubeconfigSecrets(kubeconfig);
    expect(secrets.length).to.be.greaterThan(1);
    for (const secret of secrets) expect(written).not.to.include(secret);
    expect(written).not.to.include('PRIVATE KEY');
  });

  it('waits for propagation only as long as allowed, and says no sidecar could be observed', async () => {
    const namespace = 'lab-b';
    const kubeconfig = await existingNamespace(namespace, 'runner-b');
    const runDir = mkdtempSync(join(tmpdir(), 'rb-run-'));
    const { target, stage } = await startTarget({ kubeconfig, runDir, namespace });
    try {
      const application = await stage('retries-5xx');
      const started = Date.now();
      const error = await target.waitForPropagation(application, 1500).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(UserError);
      expect((error as UserError).code).to.equal('CONFIG_NOT_PROPAGATED');
      expect((error as UserError).message, (error as UserError).message).to.include('no ready pod with a sidecar').and.include('10 retries on 5xx, per try 5 ms');
      expect(Date.now() - started).to.be.lessThan(60_000);
    } finally {
      await target.restore();
    }
  });

  it('stops a stage whose fields another manager owns, before changing anything, and restores around it', async () => {
    const namespace = 'lab-c';
    const kubeconfig = await existingNamespace(namespace, 'runner-c');
    // The team's own STRICT policy, applied with kubectl's field manager.
    await KubernetesObjectApi.makeApiClient(admin).patch(
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace }, spec: { mtls: { mode: 'STRICT' } } } as KubernetesObject,
      undefined,
      undefined,
      'kubectl',
      true,
      PatchStrategy.ServerSideApply,
    );
    const before = await namespaceState(admin, namespace);
    const runDir = mkdtempSync(join(tmpdir(), 'rb-run-'));
    const { target, stage } = await startTarget({ kubeconfig, runDir, namespace });
    await stage('strict');
    const error = await stage('permissive').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(UserError);
    expect((error as UserError).code).to.equal('FIELD_MANAGER_CONFLICT');
    expect((error as UserError).message, (error as UserError).message).to.include('PeerAuthentication lab-c/default').and.include('kubectl').and.include('mtls');
    // The dry run caught it: the stage's VirtualService was not created either.
    expect(await peerAuthMode(namespace)).to.equal('STRICT');
    expect(await virtualService(namespace)).to.equal(undefined);
    await target.restore();
    expect(await namespaceState(admin, namespace)).to.deep.equal(before);
  });

  it('reports a change another manager made during the run and leaves it, except a STRICT policy relaxed meanwhile', async () => {
    const namespace = 'lab-d';
    const kubeconfig = await existingNamespace(namespace, 'runner-d');
    await KubernetesObjectApi.makeApiClient(admin).patch(
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace }, spec: { mtls: { mode: 'STRICT' } } } as KubernetesObject,
      undefined,
      undefined,
      'kubectl',
      true,
      PatchStrategy.ServerSideApply,
    );
    const runDir = mkdtempSync(join(tmpdir(), 'rb-run-'));
    const { target, stage, lines } = await startTarget({ kubeconfig, runDir, namespace });
    await stage('retries-5xx');
    // managedFields have second precision: the changes below must fall in a later second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const custom = admin.makeApiClient(CustomObjectsApi);
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await custom.patchNamespacedCustomObject({ ...NETWORKING, namespace, plural: 'virtualservices', name: 'appflaky', body: { metadata: { labels: { synced: 'by-gitops' } } }, fieldManager: 'argocd-controller' }, mergePatch);
    await custom.patchNamespacedCustomObject({ ...SECURITY, namespace, plural: 'peerauthentications', name: 'default', body: { spec: { mtls: { mode: 'PERMISSIVE' } } }, fieldManager: 'debug-session' }, mergePatch);
    await target.restore();
    expect((await virtualService(namespace))?.metadata.labels).to.deep.equal({ synced: 'by-gitops' });
    const log = lines.join('\n');
    expect(log).to.include('VirtualService lab-d/appflaky').and.include('argocd-controller').and.include('not deleted');
    expect(await peerAuthMode(namespace)).to.equal('STRICT');
    expect(log).to.include('PeerAuthentication lab-d/default: changed during the run by debug-session; put back to STRICT anyway');
  });

  it('waits for a plan namespace still being deleted (the previous run\'s) to go, then creates it anew and records it as absent', async () => {
    const namespace = 'lab-going';
    const core = admin.makeApiClient(CoreV1Api);
    // A finalizer holds the namespace in Terminating, as a deletion still under way would.
    await core.createNamespace({ body: { metadata: { name: namespace, finalizers: ['example.com/hold'] } } });
    await core.deleteNamespace({ name: namespace });
    const runDir = mkdtempSync(join(tmpdir(), 'rb-run-'));
    const lines: string[] = [];
    const started = startTarget({ kubeconfig: cp.adminKubeconfigPath, runDir, namespace, lines });
    await eventually('the run waits for the namespace', async () => (lines.some((l) => l.includes(`namespace ${namespace} is being deleted; waiting for it to go before the snapshot`)) ? true : undefined));
    expect(existsSync(join(runDir, 'snapshot.json'))).to.equal(false);
    await core.patchNamespace({ name: namespace, body: { metadata: { finalizers: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const { target } = await started;
    try {
      const snapshot = JSON.parse(readFileSync(join(runDir, 'snapshot.json'), 'utf8')) as { entries: { ref: { kind: string; name: string }; before?: unknown }[] };
      const entry = snapshot.entries.find((e) => e.ref.kind === 'Namespace' && e.ref.name === namespace);
      expect(entry).to.not.equal(undefined);
      expect(entry?.before).to.equal(undefined);
      expect(lines.some((line) => line.startsWith(`created namespace ${namespace} (`)), lines.join('\n')).to.equal(true);
    } finally {
      await target.restore();
    }
  });

  it('bench restore puts the cluster back after the run was killed, and says so', async () => {
    const namespace = 'lab-e';
    const kubeconfig = await existingNamespace(namespace, 'runner-e');
    const before = await namespaceState(admin, namespace);
    const runDir = mkdtempSync(join(tmpdir(), 'rb-run-'));
    const tsx = join(projectRoot, 'node_modules', '.bin', 'tsx');
    const killed = spawnSync(tsx, [join(projectRoot, 'test', 'cluster', 'kubernetes-target', 'run-target.ts'), kubeconfig, runDir, namespace, 'strict,retries-5xx', '--kill-after-stages'], { encoding: 'utf8', timeout: 120_000 });
    // Killed outright: tsx reports its child's SIGKILL as exit 137.
    expect(killed.signal === 'SIGKILL' || killed.status === 137, `${killed.status} ${killed.stderr}`).to.equal(true);
    expect(await peerAuthMode(namespace)).to.equal('STRICT');
    expect(await virtualService(namespace)).not.to.equal(undefined);

    const restore = spawnSync(tsx, [join(projectRoot, 'harness', 'cli', 'main.ts'), 'restore', runDir, '--kubeconfig', kubeconfig], { encoding: 'utf8', timeout: 120_000 });
    expect(restore.status, restore.stderr).to.equal(0);
    expect(restore.stderr).to.include('put back  Namespace lab-e (labels)').and.include('deleted   VirtualService lab-e/appflaky').and.include('deleted   Deployment lab-e/appflaky');
    expect(await namespaceState(admin, namespace)).to.deep.equal(before);
    for (const secret of kubeconfigSecrets(kubeconfig)) expect(`${restore.stdout}${restore.stderr}`).not.to.include(secret);

    const again = spawnSync(tsx, [join(projectRoot, 'harness', 'cli', 'main.ts'), 'restore', runDir, '--kubeconfig', kubeconfig], { encoding: 'utf8', timeout: 120_000 });
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stderr).to.include('nothing to restore');
  });

  it('bench run --target kubernetes restores the cluster on Ctrl-C while workloads roll out, and exits 130', async () => {
    const namespace = 'lab-g';
    const kubeconfig = await existingNamespace(namespace, 'runner-g');
    const before = await namespaceState(admin, namespace);
    const results = mkdtempSync(join(tmpdir(), 'rb-results-'));
    const child = spawn(
      join(projectRoot, 'node_modules', '.bin', 'tsx'),
      [join(projectRoot, 'harness', 'cli', 'main.ts'), 'run', 'retries-lab', '--target', 'kubernetes', '--kubeconfig', kubeconfig, '--namespace', namespace, '--stage', 'strict', '--vantage', 'in-mesh', '--results', results],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // No kubelet here: the Deployment never becomes available, so the run waits in its rollout.
    await eventually('the run to wait for its rollout', async () => (stderr.includes('snapshot of') ? true : undefined), 120_000);
    await eventually('the Deployment', async () => (await namespaceState(admin, namespace))['Deployment/appflaky'], 30_000);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).to.equal(130);
    expect(await namespaceState(admin, namespace)).to.deep.equal(before);
    expect(stderr).to.include('restored the kubernetes target');
    for (const secret of kubeconfigSecrets(kubeconfig)) expect(`${stdout}${stderr}`).not.to.include(secret);
  });

  it('bench restore refuses a context that points at another cluster than the run used', async () => {
    const namespace = 'lab-f';
    const kubeconfig = await existingNamespace(namespace, 'runner-f');
    const runDir = mkdtempSync(join(tmpdir(), 'rb-run-'));
    const { target } = await startTarget({ kubeconfig, runDir, namespace });
    const other = kubeConfig(kubeconfig);
    other.clusters[0] = { ...other.clusters[0], server: 'https://127.0.0.2:6443' } as never;
    const otherFile = join(runDir, 'other-kubeconfig');
    (await import('node:fs')).writeFileSync(otherFile, other.exportConfig());
    const refused = spawnSync(join(projectRoot, 'node_modules', '.bin', 'tsx'), [join(projectRoot, 'harness', 'cli', 'main.ts'), 'restore', runDir, '--kubeconfig', otherFile], { encoding: 'utf8', timeout: 60_000 });
    expect(refused.status).to.equal(2);
    expect(refused.stderr).to.include('points at https://127.0.0.2:6443');
    await target.restore();
  });
});

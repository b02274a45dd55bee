/**
 * The test cluster's control plane (test/cluster/fixture/control-plane.ts): etcd,
 * kube-apiserver and kube-controller-manager built from the pinned Kubernetes release,
 * driven with @kubernetes/client-node as the harness drives a real cluster.
 */
import { expect } from 'chai';
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, VersionApi } from '@kubernetes/client-node';
import { type ControlPlane, skipUnlessControlPlane, startControlPlane } from './fixture/control-plane.ts';

const NS = 'cp-smoke';

function client(kubeconfigPath: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function statusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

describe('cluster control plane (etcd + kube-apiserver + kube-controller-manager)', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let admin: KubeConfig;

  before(async function () {
    // A first run on a machine compiles the binaries (build.sh; several minutes on 2 cores).
    this.timeout(60 * 60_000);
    await skipUnlessControlPlane(this);
    cp = await startControlPlane();
    admin = client(cp.adminKubeconfigPath);
  });
  after(async () => {
    await cp?.stop();
  });

  it('reports the pinned Kubernetes release on /version', async () => {
    const info = await admin.makeApiClient(VersionApi).getCode();
    expect(info.gitVersion).to.match(/^v1\.34\.\d+$/);
    expect(info.gitVersion).to.equal(cp.version);
    expect(info.major).to.equal('1');
    expect(info.minor).to.equal('34');
  });

  it('runs a Deployment as far as Pending pods: the controller manager creates its ReplicaSet and Pods', async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const apps = admin.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] } },
        },
      },
    });
    const replicaSet = await eventually('the ReplicaSet', async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace: NS });
      return list.items.find((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === 'web'));
    });
    expect(replicaSet.spec?.replicas).to.equal(2);
    // The ServiceAccount admission plugin refuses pods until the serviceaccount controller
    // has created `default` in the new namespace; the ReplicaSet controller retries.
    const pods = await eventually('two pods', async () => {
      const list = await core.listNamespacedPod({ namespace: NS });
      return list.items.length === 2 ? list.items : undefined;
    });
    for (const pod of pods) {
      expect(pod.metadata?.ownerReferences?.[0]).to.include({ kind: 'ReplicaSet', name: replicaSet.metadata?.name });
      expect(pod.status?.phase).to.equal('Pending');
      expect(pod.spec?.nodeName, 'no scheduler, so no node').to.equal(undefined);
      expect(pod.spec?.serviceAccountName).to.equal('default');
    }
  });

  it('authenticates any user by client certificate and denies what RBAC does not grant (403)', async () => {
    const nobody = client(cp.kubeconfigFor('nobody', ['team-a']));
    const error = await nobody
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: NS })
      .then(() => undefined, (e: unknown) => e);
    expect(statusCode(error)).to.equal(403);
    const status = JSON.parse(String((error as ApiException<string>).body)) as { reason?: string; message?: string };
    expect(status.reason).to.equal('Forbidden');
    expect(status.message).to.contain('User "nobody"');

    // Bound to the aggregated `view` ClusterRole, the same user may list pods.
    await admin.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: 'nobody-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'nobody' }],
      },
    });
    const allowed = await eventually('the binding to take effect', async () => {
      try {
        return await nobody.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS });
      } catch (e) {
        if (statusCode(e) === 403) return undefined;
        throw e;
      }
    });
    expect(allowed.items).to.have.length(2);
  });

  it('holds requests while the API server is frozen, and keeps state and controllers across its restart', async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const apps = admin.makeApiClient(AppsV1Api);
    const paused = cp.pauseApiServer(1500);
    const started = Date.now();
    await core.readNamespace({ name: NS });
    expect(Date.now() - started, 'the request waited for SIGCONT').to.be.greaterThan(1000);
    await paused;

    await cp.restartApiServer();
    const ns = await core.readNamespace({ name: NS });
    expect(ns.status?.phase).to.equal('Active');
    // The controller manager reconnects on its own and acts on a change made after the restart.
    await apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: NS, body: { spec: { replicas: 3 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually('a third pod', async () => {
      const list = await core.listNamespacedPod({ namespace: NS });
      return list.items.length === 3 ? true : undefined;
    }, 30_000);
  });

  it('deletes the namespace and everything in it', async () => {
    const core = admin.makeApiClient(CoreV1Api);
    await core.deleteNamespace({ name: NS });
    await eventually('the namespace to be gone', async () => {
      try {
        await core.readNamespace({ name: NS });
        return undefined;
      } catch (e) {
        if (statusCode(e) === 404) return true;
        throw e;
      }
    }, 45_000);
  });
});

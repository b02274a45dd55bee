/**
 * Istio's sidecar injector as the API server sees it: a MutatingWebhookConfiguration
 * (labelled as istiod labels its own, so the bench's preflight finds a default injector)
 * calling an HTTPS endpoint here that adds the `istio-proxy` container to pods created in
 * a namespace labelled `istio-injection=enabled`, unless the pod opts out with
 * `sidecar.istio.io/inject: "false"`. Pod containers cannot change after creation, so
 * injection has to happen at admission, as on a real cluster.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import type { KeyPair } from '../fixture/control-plane.ts';

export const INJECTOR_NAME = 'istio-sidecar-injector';
export const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.24.0';

interface AdmissionReview {
  request?: { uid: string; object?: { spec?: { containers?: { name: string }[] } } };
}

function sidecarPatch(review: AdmissionReview): unknown[] {
  const containers = review.request?.object?.spec?.containers ?? [];
  if (containers.some((c) => c.name === 'istio-proxy')) return [];
  return [
    {
      op: 'add',
      path: '/spec/containers/-',
      value: {
        name: 'istio-proxy',
        image: PROXY_IMAGE,
        args: ['proxy', 'sidecar'],
        ports: [{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }],
      },
    },
  ];
}

export interface SidecarInjector {
  close(): Promise<void>;
}

export async function startSidecarInjector(kc: KubeConfig, options: { certificate: KeyPair; caPem: string }): Promise<SidecarInjector> {
  const server: Server = createServer({ cert: options.certificate.certPem, key: options.certificate.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdmissionReview;
      const patch = sidecarPatch(review);
      const response = { uid: review.request?.uid, allowed: true, ...(patch.length ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') } : {}) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const api = KubernetesObjectApi.makeApiClient(kc);
  const webhook = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: INJECTOR_NAME, labels: { app: 'sidecar-injector' } },
    webhooks: [
      {
        name: 'namespace.sidecar-injector.istio.io',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        // As Istio registers it: no pod in an injected namespace starts without its sidecar.
        failurePolicy: 'Fail',
        reinvocationPolicy: 'Never',
        clientConfig: { url: `https://127.0.0.1:${port}/inject`, caBundle: Buffer.from(options.caPem).toString('base64') },
        namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } },
        objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] },
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
      },
    ],
  } as KubernetesObject;
  await api.create(webhook);
  return {
    async close() {
      await api.delete(webhook).catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A paused k6's REST API (`k6 run --paused --address 0.0.0.0:6565`), reached through the
 * API server's pods/proxy, the way the k6-operator's starter reaches its runners over the
 * pod network: is this runner up and paused, and resume it. The Job pod leaves port 6565
 * out of its sidecar's inbound capture (K6_API_POD_ANNOTATIONS), so the API server's
 * plaintext request reaches k6 even where a PeerAuthentication makes the namespace STRICT.
 */
import { CoreV1Api, type KubeConfig, Observable } from '@kubernetes/client-node';

export const K6_API_PORT = 6565;

/** `k6 run` flags that start k6 paused, with its API where the API server can reach it. */
export const PAUSED_K6_ARGS = ['--paused', '--address', `0.0.0.0:${K6_API_PORT}`];

export const K6_API_POD_ANNOTATIONS = { 'traffic.sidecar.istio.io/excludeInboundPorts': String(K6_API_PORT) };

/**
 * k6's ExecutionStatusPausedBeforeRun (lib.ExecutionStatus, the `status` attribute): set
 * once the VUs and executors are initialised and a paused run waits to be resumed. k6
 * answers on its API earlier, during init; a runner counts as ready only from here.
 */
export const PAUSED_BEFORE_RUN = 4;

interface K6StatusDocument {
  data?: { attributes?: { status?: number; paused?: boolean } };
}

/** Whether the runner is initialised and waiting; throws while k6 is not answering yet (the pod or its API still starting). */
export async function k6WaitsToStart(kc: KubeConfig, namespace: string, pod: string): Promise<boolean> {
  const text = await kc.makeApiClient(CoreV1Api).connectGetNamespacedPodProxyWithPath({ name: `${pod}:${K6_API_PORT}`, namespace, path: 'v1/status' });
  const attributes = ((typeof text === 'string' ? JSON.parse(text) : text) as K6StatusDocument).data?.attributes;
  return attributes?.status === PAUSED_BEFORE_RUN && attributes.paused === true;
}

/** PATCH /v1/status `paused: false`: the runner starts its load now. */
export async function resumeK6(kc: KubeConfig, namespace: string, pod: string): Promise<void> {
  const body = JSON.stringify({ data: { type: 'status', id: 'default', attributes: { paused: false } } });
  // The generated proxy call takes no body; a middleware adds k6's JSON:API document.
  await kc.makeApiClient(CoreV1Api).connectPatchNamespacedPodProxyWithPath(
    { name: `${pod}:${K6_API_PORT}`, namespace, path: 'v1/status' },
    {
      middleware: [
        {
          pre: (context) => {
            context.setHeaderParam('Content-Type', 'application/json');
            context.setBody(body);
            return new Observable(Promise.resolve(context));
          },
          post: (context) => new Observable(Promise.resolve(context)),
        },
      ],
      middlewareMergeStrategy: 'append',
    },
  );
}

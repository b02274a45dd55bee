/**
 * Builders and HTTP helpers for the mesh tests: workloads and Istio objects as the plan
 * loader would hand them over, and clients for the two vantages (through the client
 * sidecar as an HTTP proxy, and straight at the external address).
 */
import http from 'node:http';
import net from 'node:net';
import type { DestinationRuleSpec, GatewaySpec, IstioConfig, ManifestObject, PeerAuthenticationSpec, TrafficPolicy, VirtualServiceSpec } from '../../harness/model/istio-objects.ts';
import type { AppBehaviour, WorkloadSpec } from '../../harness/model/plan.ts';

export const APP_HOST = 'appflaky.retryns.svc.cluster.local';
export const APP_URL = `http://${APP_HOST}/unstable-endpoint`;

export function behaviour(overrides: Partial<AppBehaviour> = {}): AppBehaviour {
  return { failureRate: 0, failureStatus: 500, latency: { kind: 'fixed', ms: 0 }, hangRate: 0, resetRate: 0, ...overrides };
}

export function workload(overrides: Partial<WorkloadSpec> = {}): WorkloadSpec {
  const name = overrides.name ?? 'appflaky';
  return {
    name,
    namespace: 'retryns',
    serviceAccount: name,
    labels: { app: name, version: 'v1' },
    replicas: 1,
    servicePort: 80,
    targetPort: 5000,
    behaviour: behaviour(),
    sidecar: true,
    objects: [],
    source: { file: `manifests/workloads/${name}.yaml`, line: 1 },
    ...overrides,
  };
}

function object<S>(kind: string, apiVersion: string, name: string, namespace: string, spec: S): ManifestObject<S> {
  return { apiVersion, kind, metadata: { name, namespace }, spec, source: { file: `test/${name}.yaml`, line: 1 } };
}

export function virtualService(spec: Partial<VirtualServiceSpec> & Pick<VirtualServiceSpec, 'http'>, name = 'appflaky', namespace = 'retryns') {
  return object<VirtualServiceSpec>('VirtualService', 'networking.istio.io/v1', name, namespace, { hosts: [APP_HOST], ...spec });
}

/** A VirtualService with one route to appflaky carrying `route` fields (retries, timeout, fault). */
export function appRoute(route: Omit<NonNullable<VirtualServiceSpec['http']>[number], 'route'>) {
  return virtualService({ http: [{ ...route, route: [{ destination: { host: APP_HOST, port: { number: 80 } } }] }] });
}

export function destinationRule(spec: Partial<DestinationRuleSpec>, name = 'appflaky', namespace = 'retryns') {
  return object<DestinationRuleSpec>('DestinationRule', 'networking.istio.io/v1', name, namespace, { host: APP_HOST, ...spec });
}

/** `trafficPolicy.loadBalancer.simple`, which the model types only loosely (the validator passes it through). */
export function loadBalancerPolicy(simple: string, rest: TrafficPolicy = {}): TrafficPolicy {
  return Object.assign({ ...rest }, { loadBalancer: { simple } });
}

export function peerAuthentication(spec: PeerAuthenticationSpec, name = 'default', namespace = 'retryns') {
  return object<PeerAuthenticationSpec>('PeerAuthentication', 'security.istio.io/v1', name, namespace, spec);
}

export function gateway(spec: GatewaySpec, name = 'bench-gateway', namespace = 'retryns') {
  return object<GatewaySpec>('Gateway', 'networking.istio.io/v1', name, namespace, spec);
}

export function config(parts: Partial<IstioConfig> = {}): IstioConfig {
  return { virtualServices: [], destinationRules: [], peerAuthentications: [], gateways: [], ...parts };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Plain keep-alive agent, as a load generator uses; each test file creates its own. */
export function keepAliveAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 64 });
}

/** GET `url` through the HTTP proxy at `proxyUrl` (absolute-form request line, as k6 sends with HTTP_PROXY). */
export function getViaProxy(proxyUrl: string, url: string, agent?: http.Agent, headers: Record<string, string> = {}): Promise<Reply> {
  const proxy = new URL(proxyUrl);
  return request({ host: proxy.hostname, port: Number(proxy.port), path: url, headers: { host: new URL(url).host, ...headers }, agent });
}

/** GET `path` on `baseUrl` directly (origin-form). */
export function getDirect(baseUrl: string, path: string, agent?: http.Agent, headers: Record<string, string> = {}): Promise<Reply> {
  const base = new URL(baseUrl);
  return request({ host: base.hostname, port: Number(base.port), path, headers: { host: base.host, ...headers }, agent });
}

function request(options: http.RequestOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ method: 'GET', timeout: 10_000, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('test request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Runs `count` calls with at most `concurrency` in flight; results in call order. */
export async function many<T>(count: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await call(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/**
 * Sends a raw plaintext HTTP request over TCP and reports what came back before the
 * connection ended: the bytes (empty when the peer closed without answering) and how it ended.
 */
export function rawHttpExchange(baseUrl: string, path: string): Promise<{ received: string; ended: 'close' | 'reset' }> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: base.hostname, port: Number(base.port) });
    let received = '';
    let ended: 'close' | 'reset' = 'close';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw exchange: no close within 5 s'));
    }, 5000);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${base.host}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (d: Buffer) => {
      received += d.toString();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') ended = 'reset';
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, ended });
    });
  });
}

export function parseAppBody(reply: Reply): { replica?: string; attemptCount?: number; forwardedClientCert?: string } {
  try {
    return JSON.parse(reply.body);
  } catch {
    return {};
  }
}

export const CLUSTER = `cluster.outbound|80||${APP_HOST}`;

/** Polls `read` until `accept` holds or `timeoutMs` passes; returns the last value (bounded, for counters that settle). */
export async function settle<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await read();
  }
  return value;
}

/** A Kubernetes Service object as the plan loader keeps it in `WorkloadSpec.objects`. */
export function serviceObject(name: string, selector: Record<string, string>, namespace = 'retryns'): ManifestObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 5000 }] },
    source: { file: `manifests/workloads/${name}.yaml`, line: 1 },
  };
}

/** appflaky as two Deployments (v1 with 2 replicas, v2 with 1) behind one Service. */
export function versionedWorkloads(): WorkloadSpec[] {
  const service = serviceObject('appflaky', { app: 'appflaky' });
  return [
    workload({ name: 'appflaky-v1', serviceAccount: 'appflaky', labels: { app: 'appflaky', version: 'v1' }, replicas: 2, objects: [service] }),
    workload({ name: 'appflaky-v2', serviceAccount: 'appflaky', labels: { app: 'appflaky', version: 'v2' }, replicas: 1, objects: [service] }),
  ];
}

export const SUBSETS = [
  { name: 'v1', labels: { version: 'v1' } },
  { name: 'v2', labels: { version: 'v2' } },
];

/**
 * Worker thread that runs the outbound proxies (client sidecar and ingress gateway), so
 * their work runs in parallel with the server sidecars and apps on a multi-core machine.
 * Talks to `OutboundHost` with request/reply messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AccessLog } from './access-log.ts';
import type { OutboundRequest, OutboundWorkerData } from './outbound-host.ts';
import { OutboundProxy } from './outbound-proxy.ts';
import { createSnapshot, type ProxyContext } from './proxy-context.ts';
import { RouteTable } from './route-table.ts';
import { MeshTopology } from './topology.ts';

const data = workerData as OutboundWorkerData;
const accessLog = new AccessLog();
const context: ProxyContext = {
  seed: data.seed,
  profile: data.profile,
  topology: new MeshTopology(data.services),
  ca: data.ca,
  accessLog,
  routeTable: (snapshot, gateways, namespace) => new RouteTable({ config: snapshot.config, topology: context.topology, profile: data.profile, gateways, namespace }),
};
const proxies = data.proxies.map((spec) => new OutboundProxy({ ...spec, context }));

async function handle(request: OutboundRequest): Promise<unknown> {
  switch (request.op) {
    case 'start':
      for (const proxy of proxies) await proxy.start();
      return Object.fromEntries(proxies.map((p) => [p.name, p.port]));
    case 'update': {
      const snapshot = createSnapshot(request.version, request.config);
      for (const proxy of proxies) proxy.update(snapshot);
      return undefined;
    }
    case 'served':
      return Object.fromEntries(proxies.map((p) => [p.name, p.servedVersion]));
    case 'stats':
      return Object.fromEntries(proxies.map((p) => [p.name, p.stats.snapshot()]));
    case 'resetStats':
      for (const proxy of proxies) proxy.stats.reset();
      return undefined;
    case 'drainAccessLog':
      return accessLog.drain();
    case 'stop':
      await Promise.all(proxies.map((p) => p.stop()));
      return undefined;
  }
}

parentPort?.on('message', (message: { id: number; request: OutboundRequest }) => {
  handle(message.request).then(
    (result) => parentPort?.postMessage({ id: message.id, ok: true, result }),
    (error: unknown) => parentPort?.postMessage({ id: message.id, ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

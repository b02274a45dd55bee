/** Worker thread running the outbound proxies (see `outbound-host.ts`). */
import { workerData } from 'node:worker_threads';
import { createOutboundHandler, type OutboundWorkerData } from './outbound-host.ts';
import { serveWorkerRpc } from './worker-rpc.ts';

serveWorkerRpc(createOutboundHandler(workerData as OutboundWorkerData));

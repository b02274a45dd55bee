/** Worker thread running the sample apps (see `app-host.ts`). */
import { workerData } from 'node:worker_threads';
import { type AppWorkerData, createAppHandler } from './app-host.ts';
import { serveWorkerRpc } from './worker-rpc.ts';

serveWorkerRpc(createAppHandler(workerData as AppWorkerData));

/**
 * The REST API of the simulated k6 pods started `--paused --address 0.0.0.0:6565`, as k6
 * serves it: `GET /v1/status` gives the run's execution status (InitVUs while the runtime
 * loads the script, PausedBeforeRun once it waits), `PATCH /v1/status` with
 * `paused: false` resumes it. The relay in the network namespace answers port 6565 on
 * every pod IP and passes the request here with the IP it arrived on.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { PAUSED_BEFORE_RUN } from '../../../harness/targets/kubernetes/k6-rest-api.ts';
import { type ListeningServer, listenOn } from './listening-server.ts';

/** lib.ExecutionStatus values k6 reports (PausedBeforeRun is the one the bench waits for). */
const STATUS = { initVus: 1, pausedBeforeRun: PAUSED_BEFORE_RUN, running: 7 } as const;

interface PausedRun {
  status: number;
  paused: boolean;
  resume(): void;
  resumed: Promise<void>;
  /** Aborted when the pod goes away (or the simulator stops) before the run ends. */
  stop: AbortController;
}

/** The k6 runs of the node's pods that started paused, by pod IP. */
export class PausedK6Runs {
  private readonly runs = new Map<string, PausedRun>();

  /** A pod's k6 starts paused; it answers on its API from now on. */
  register(podIp: string): { waitForResume(): Promise<void>; forget(): void; signal: AbortSignal } {
    let resume = () => {};
    const resumed = new Promise<void>((resolve) => {
      resume = resolve;
    });
    const run: PausedRun = { status: STATUS.initVus, paused: true, resume, resumed, stop: new AbortController() };
    this.runs.set(podIp, run);
    return {
      signal: run.stop.signal,
      // The runtime is initialised: from here k6 says PausedBeforeRun until resumed.
      waitForResume: () => {
        if (run.paused) run.status = STATUS.pausedBeforeRun;
        return run.resumed;
      },
      forget: () => this.runs.delete(podIp),
    };
  }

  statusOf(podIp: string): { status: number; paused: boolean } | undefined {
    const run = this.runs.get(podIp);
    return run && { status: run.status, paused: run.paused };
  }

  /** The pod is gone (its Job deleted) or the node stops: its k6 ends, as the container would be killed. */
  abort(podIp?: string): void {
    for (const [ip, run] of this.runs) if (podIp === undefined || ip === podIp) run.stop.abort();
  }

  /** Initialised and paused: what the bench and the operator's starter wait for. */
  waitsToStart(podIp: string): boolean {
    const run = this.runs.get(podIp);
    return run?.paused === true && run.status === STATUS.pausedBeforeRun;
  }

  resume(podIp: string): boolean {
    const run = this.runs.get(podIp);
    if (!run) return false;
    run.paused = false;
    run.status = STATUS.running;
    run.resume();
    return true;
  }
}

export async function startK6ApiServer(options: { address: string; runs: PausedK6Runs }): Promise<ListeningServer> {
  const server: Server = createServer((req, res) => {
    const podIp = String(req.headers['x-pod-ip'] ?? '');
    const reply = (code: number, body: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url !== '/v1/status') return reply(404, { errors: [{ title: `not served: ${req.url}` }] });
    const document = () => ({ data: { type: 'status', id: 'default', attributes: { ...options.runs.statusOf(podIp), stopped: false, tainted: false } } });
    if (!options.runs.statusOf(podIp)) return reply(503, { errors: [{ title: `no k6 API at ${podIp}` }] });
    if (req.method === 'GET') return reply(200, document());
    if (req.method !== 'PATCH') return reply(405, { errors: [{ title: `method ${req.method}` }] });
    readBody(req).then((text) => {
      const paused = (JSON.parse(text || '{}') as { data?: { attributes?: { paused?: boolean } } }).data?.attributes?.paused;
      if (paused === false) options.runs.resume(podIp);
      reply(200, document());
    }, (error: unknown) => reply(400, { errors: [{ title: String(error) }] }));
  });
  return listenOn(server, options.address);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

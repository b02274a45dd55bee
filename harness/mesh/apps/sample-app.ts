/**
 * One replica of the sample app: a real HTTP server whose behaviour (failures, latency,
 * hangs, resets, slow start) comes from the workload's env, drawn from the replica's own
 * seeded stream. Any path answers. The body echoes what a test wants to see from inside
 * the pod: the attempt count the caller's proxy sent and the forwarded client identity.
 */
import http from 'node:http';
import type { AppBehaviour, LatencySpec } from '../../model/plan.ts';
import { chance, normalSample, type Random } from '../shared/random.ts';
import { listenOnLoopback, SocketTracker } from '../shared/sockets.ts';
import { ProxyStats } from '../proxies/stats.ts';

/** Keep-alive far longer than any client's idle timeout, so callers never reuse a socket the app has just closed. */
const KEEP_ALIVE_MS = 2 * 3_600_000;

export function sampleLatencyMs(latency: LatencySpec, random: Random): number {
  switch (latency.kind) {
    case 'fixed':
      return latency.ms;
    case 'uniform':
      return latency.minMs + random() * (latency.maxMs - latency.minMs);
    case 'normal':
      return Math.max(0, latency.meanMs + latency.stddevMs * normalSample(random));
  }
}

export class SampleApp {
  readonly stats = new ProxyStats();
  private readonly server: http.Server;
  private readonly sockets = new SocketTracker();
  private readonly startedAt = Date.now();
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(
    readonly name: string,
    private behaviour: AppBehaviour,
    private readonly random: Random,
  ) {
    this.server = http.createServer({ noDelay: true, keepAliveTimeout: KEEP_ALIVE_MS }, (req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = KEEP_ALIVE_MS;
    this.sockets.track(this.server);
  }

  async start(): Promise<void> {
    this.port = await listenOnLoopback(this.server);
  }

  setBehaviour(behaviour: AppBehaviour): void {
    this.behaviour = behaviour;
  }

  private slowStartExtraMs(): number {
    const slow = this.behaviour.slowStart;
    if (!slow || slow.durationMs <= 0) return 0;
    const elapsed = Date.now() - this.startedAt;
    return elapsed >= slow.durationMs ? 0 : slow.extraMs * (1 - elapsed / slow.durationMs);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.stats.inc('app.requests_total');
    // Every draw happens up front, in a fixed order, so a replica's outcomes depend only on its seed and request order.
    const b = this.behaviour;
    const hang = chance(this.random, b.hangRate);
    const reset = chance(this.random, b.resetRate);
    const fail = chance(this.random, b.failureRate);
    const delayMs = sampleLatencyMs(b.latency, this.random) + this.slowStartExtraMs();
    req.resume();
    if (hang) {
      this.stats.inc('app.hangs_total');
      return; // never answers; the socket is destroyed when the caller gives up or the mesh stops
    }
    const respond = () => {
      if (reset) {
        this.stats.inc('app.resets_total');
        req.socket.destroy();
        return;
      }
      const status = fail ? b.failureStatus : 200;
      this.stats.inc(`app.responses_${status}`);
      const body = JSON.stringify({
        replica: this.name,
        status: fail ? 'simulated failure' : 'ok',
        path: req.url,
        attemptCount: Number(req.headers['x-envoy-attempt-count'] ?? 0) || undefined,
        forwardedClientCert: req.headers['x-forwarded-client-cert'],
      });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-app-replica': this.name });
      res.end(body);
    };
    if (delayMs <= 0) {
      respond();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!req.socket.destroyed) respond();
    }, delayMs);
    this.timers.add(timer);
    // The response closes when it is sent or when the caller goes away (per request, unlike the socket).
    res.once('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.sockets.closeServer(this.server);
  }
}

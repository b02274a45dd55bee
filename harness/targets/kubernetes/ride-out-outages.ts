/**
 * API clients that ride out a short API server outage. A managed control plane restarts
 * (upgrades, scaling, a node of it replaced) while a run is applying a stage, waiting for a
 * k6 Job or restoring: that must not end the run with a stack trace, and above all must
 * not leave the cluster half restored. So every request of a client made here is retried
 * while the failure is transient, with a back-off, for a bounded time; after that the run
 * stops with CLUSTER_UNREACHABLE (an environment error, exit 3).
 *
 * Transient: the API server throttled the request (429, after its Retry-After), asked for
 * it again (a 5xx with Retry-After, read as client-go reads it: "apiserver is shutting
 * down" while a control plane restarts, before it refuses connections), or no answer came
 * back at all. A request answered so was not acted on, and a refused connection never
 * reached the server, so any request may be sent again; a connection dropped mid-request
 * may have been acted on, so only requests that are safe to repeat are (reads, and
 * patches: the target's patches are server-side applies, which converge). A create or
 * delete cut off mid-flight is the caller's to judge (AlreadyExists, NotFound).
 */
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../../errors/user-error.ts';
import { apiFailure } from './api-errors.ts';

/** How long one request keeps trying through an outage. */
const OUTAGE_BUDGET_MS = 60_000;

/** Errors of a connection that never carried the request. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** Errors of a connection that dropped, possibly after the server acted. */
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET']);

export interface OutageOptions {
  budgetMs?: number;
  /** Told once per outage, when the first retry starts, and when the server answers again. */
  onOutage?: (message: string) => void;
  /** Repeating the request is safe even if the server may have acted on it. */
  idempotent?: boolean;
  /** Back-off before retry `n` (1-based), in ms; tests shorten it. */
  backoffMs?: (retry: number) => number;
}

type Transient = { kind: 'throttled'; waitMs: number } | { kind: 'outage'; detail: string };

function classifyFailure(error: unknown, idempotent: boolean, retry: number): Transient | undefined {
  if (error instanceof ApiException) {
    const header = Number(error.headers?.['retry-after']);
    const retryAfter = Number.isFinite(header) && header > 0 ? Math.min(header, 10) : undefined;
    if (error.code === 429) return { kind: 'throttled', waitMs: (retryAfter ?? retry) * 1000 };
    if (error.code >= 500 && error.code <= 599 && retryAfter !== undefined) return { kind: 'outage', detail: `HTTP ${error.code}: ${apiFailure(error).message}` };
    return undefined;
  }
  const code = errorCode(error);
  if (code === undefined) return undefined;
  if (NOT_SENT.has(code) || (idempotent && DROPPED.has(code))) return { kind: 'outage', detail: apiFailure(error).message };
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown })?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  if (typeof cause === 'string') return cause;
  // node-fetch reports a server that closed the socket without an answer this way.
  if (error instanceof Error && /socket hang up/i.test(error.message)) return 'ECONNRESET';
  return undefined;
}

const defaultBackoff = (retry: number) => Math.min(250 * 2 ** (retry - 1), 5_000);

/** Runs `request` until it succeeds, fails for good, or the outage outlasts the budget. */
export async function rideOut<T>(request: () => Promise<T>, options: OutageOptions & { server?: string } = {}): Promise<T> {
  const budgetMs = options.budgetMs ?? OUTAGE_BUDGET_MS;
  const backoff = options.backoffMs ?? defaultBackoff;
  const started = Date.now();
  let outage: string | undefined;
  for (let retry = 1; ; retry++) {
    try {
      const result = await request();
      if (outage) options.onOutage?.(`the API server answers again after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return result;
    } catch (error) {
      const transient = classifyFailure(error, options.idempotent ?? false, retry);
      const waitMs = transient?.kind === 'throttled' ? transient.waitMs : backoff(retry);
      if (!transient || Date.now() - started + waitMs > budgetMs) {
        if (transient?.kind === 'outage') {
          throw new UserError({
            code: 'CLUSTER_UNREACHABLE',
            message: `the API server${options.server ? ` ${options.server}` : ''} stopped answering during the run (${transient.detail}) and did not come back within ${Math.round(budgetMs / 1000)} s`,
            fix: 'check that the cluster is up, then run bench restore <run folder> if the run could not put the cluster back',
          });
        }
        throw error;
      }
      if (transient.kind === 'outage' && !outage) {
        outage = transient.detail;
        options.onOutage?.(`the API server does not answer (${outage}); retrying for up to ${Math.round(budgetMs / 1000)} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** Method names of generated clients (and KubernetesObjectApi) that are safe to repeat. */
function isIdempotent(method: string): boolean {
  return /^(list|read|get|connectGet|patch)/.test(method);
}

/**
 * A kubeconfig whose API clients ride out outages. It is a KubeConfig in every other
 * respect; `makeDirectApiClient` gives a client without retries, for the reachability
 * probe that must fail at once when the cluster is simply not there.
 */
export class OutageTolerantKubeConfig extends KubeConfig {
  onOutage?: (message: string) => void;
  budgetMs?: number;

  override makeApiClient<T>(apiClientType: new (config: never) => T): T {
    const client = super.makeApiClient(apiClientType as never) as T & object;
    return new Proxy(client, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return (...args: unknown[]) => {
          // Called on the client itself, so its own internal calls are not retried twice.
          const first = value.apply(target, args);
          if (!(first instanceof Promise)) return first;
          let attempt = 0;
          return rideOut(() => (attempt++ === 0 ? first : value.apply(target, args)), {
            idempotent: isIdempotent(property),
            budgetMs: this.budgetMs,
            onOutage: this.onOutage,
            server: this.getCurrentCluster()?.server,
          });
        };
      },
    });
  }

  makeDirectApiClient<T>(apiClientType: new (config: never) => T): T {
    return super.makeApiClient(apiClientType as never) as T;
  }
}

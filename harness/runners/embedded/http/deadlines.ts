/**
 * Request timeouts without a Node timer per request. Requests with the same timeout
 * expire in the order they started, so each timeout value keeps its requests in a
 * doubly linked list (the request objects are the links: nothing is allocated) and one
 * timer, armed for the oldest request's deadline. A request that finishes just unlinks
 * itself; when the timer fires it expires every overdue request and re-arms for the next.
 * The deadlines are the same as with a timer per request.
 */
import { performance } from 'node:perf_hooks';

export interface Expirable {
  /** performance.now() at which the request times out. */
  deadline: number;
  previousExpirable?: Expirable;
  nextExpirable?: Expirable;
  expirableQueue?: DeadlineQueue;
  expired(): void;
}

export class DeadlineQueue {
  private head?: Expirable;
  private tail?: Expirable;
  private timer?: NodeJS.Timeout;
  private timerAt = Number.POSITIVE_INFINITY;

  add(entry: Expirable): void {
    entry.expirableQueue = this;
    entry.previousExpirable = this.tail;
    entry.nextExpirable = undefined;
    if (this.tail) this.tail.nextExpirable = entry;
    else this.head = entry;
    this.tail = entry;
    // Same timeout, later start: only the first entry of an empty queue moves the timer earlier.
    if (entry.deadline < this.timerAt) this.arm(entry.deadline);
  }

  remove(entry: Expirable): void {
    if (entry.previousExpirable) entry.previousExpirable.nextExpirable = entry.nextExpirable;
    else this.head = entry.nextExpirable;
    if (entry.nextExpirable) entry.nextExpirable.previousExpirable = entry.previousExpirable;
    else this.tail = entry.previousExpirable;
    entry.previousExpirable = undefined;
    entry.nextExpirable = undefined;
    entry.expirableQueue = undefined;
    if (!this.head) this.disarm();
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(expireDue, Math.max(0, at - performance.now()), this);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  expireDue(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    // Node's timers count whole milliseconds from a loop time that may lag: within one
    // millisecond of its deadline a request is due, as with a timer of its own.
    const now = performance.now() + 1;
    // Bounded: each pass removes the head, and the list only holds requests in flight.
    for (let entry = this.head; entry && entry.deadline <= now; entry = this.head) {
      this.remove(entry);
      entry.expired();
    }
    if (this.head && !this.timer) this.arm(this.head.deadline);
  }
}

function expireDue(queue: DeadlineQueue): void {
  queue.expireDue();
}

const queues = new Map<number, DeadlineQueue>();

/** Calls `entry.expired()` at `entry.deadline`, which must be its start plus `timeoutMs`, unless cancelled first. */
export function scheduleDeadline(entry: Expirable, timeoutMs: number): void {
  let queue = queues.get(timeoutMs);
  if (!queue) {
    queue = new DeadlineQueue();
    queues.set(timeoutMs, queue);
  }
  queue.add(entry);
}

export function cancelDeadline(entry: Expirable): void {
  entry.expirableQueue?.remove(entry);
}

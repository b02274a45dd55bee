/**
 * The runners of a split run start their load together, as the k6-operator starts its
 * runners (each k6 is started `--paused` and resumed once all are up). Without it, the
 * first runner would send its share while the others still pull images or load the
 * script, so the cell's load would be spread over a longer, uneven window, and their
 * start-up work would land on the system under test. Each runner arrives once it is
 * initialised and ready; all are released when every runner has arrived or given up, or
 * `maxWaitMs` after the first arrival, so one pod that never starts holds no one forever.
 */
import type { StartReport } from '../model/distribution.ts';

export class StartBarrier {
  private readonly arrivals = new Map<string, number>();
  private readonly gaveUp = new Set<string>();
  private releasedAt: number | undefined;
  private release!: () => void;
  private readonly released = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  private timer: NodeJS.Timeout | undefined;
  private readonly late: StartReport['late'] = [];

  constructor(
    private readonly expected: number,
    private readonly maxWaitMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runner `name` is ready: resolves when the load may start. */
  arrive(name: string): Promise<void> {
    const at = this.now();
    if (this.releasedAt !== undefined) {
      this.late.push({ name, lateMs: at - this.releasedAt });
      return Promise.resolve();
    }
    this.arrivals.set(name, at);
    if (this.arrivals.size === 1) this.timer = setTimeout(() => this.open(), this.maxWaitMs);
    this.openWhenComplete();
    return this.released;
  }

  /** Runner `name` will never arrive (it failed before it was ready). */
  giveUp(name: string): void {
    if (this.arrivals.has(name) || this.releasedAt !== undefined) return;
    this.gaveUp.add(name);
    this.openWhenComplete();
  }

  report(): StartReport {
    const times = [...this.arrivals.values()];
    return {
      together: this.late.length === 0,
      readySpreadMs: times.length ? Math.max(...times) - Math.min(...times) : 0,
      late: [...this.late],
    };
  }

  private openWhenComplete(): void {
    if (this.arrivals.size + this.gaveUp.size >= this.expected && this.arrivals.size > 0) this.open();
  }

  private open(): void {
    if (this.releasedAt !== undefined) return;
    this.releasedAt = this.now();
    clearTimeout(this.timer);
    this.release();
  }
}

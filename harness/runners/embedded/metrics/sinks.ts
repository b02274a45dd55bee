/** The four k6 metric types and how each aggregates its samples. */
import type { MetricType } from '../../../model/k6-summary.ts';
import { TrendSink } from './trend-sink.ts';

export class CounterSink {
  count = 0;
  add(value: number): void {
    this.count += value;
  }
}

export class GaugeSink {
  value = 0;
  min = 0;
  max = 0;
  private seen = false;
  add(value: number): void {
    this.value = value;
    if (!this.seen || value < this.min) this.min = value;
    if (!this.seen || value > this.max) this.max = value;
    this.seen = true;
  }
}

export class RateSink {
  passes = 0;
  total = 0;
  add(value: number): void {
    this.total++;
    if (value !== 0) this.passes++;
  }
  get fails(): number {
    return this.total - this.passes;
  }
  rate(): number {
    return this.total === 0 ? 0 : this.passes / this.total;
  }
}

export type Sink = CounterSink | GaugeSink | RateSink | TrendSink;

export function createSink(type: MetricType): Sink {
  switch (type) {
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
    case 'rate':
      return new RateSink();
    case 'trend':
      return new TrendSink();
  }
}

/** `k6/metrics`: Counter, Gauge, Rate, Trend, bound to one VU for its tags and group. */
import type { MetricType } from '../../../model/k6-summary.ts';
import type { Vu } from '../vu.ts';

export function createMetricsModule(vu: Vu) {
  const { registry } = vu.run;

  function metricClass(type: MetricType) {
    return class {
      readonly name: string;
      private readonly metric;
      constructor(name: string, isTime = false) {
        if (vu.run.options && vu.iter >= 0) {
          throw new Error(`custom metric "${name}" must be created in the init code, as k6 requires`);
        }
        this.name = name;
        this.metric = registry.define(name, type, type === 'trend' && isTime ? 'time' : 'default');
      }
      add(value: number | boolean, tags?: Record<string, unknown>): boolean {
        const numeric = typeof value === 'boolean' ? Number(value) : Number(value);
        if (Number.isNaN(numeric)) throw new Error(`${this.name}.add(${String(value)}): the value must be a number`);
        registry.add(this.metric, numeric, vu.sampleTags(tags));
        return true;
      }
    };
  }

  return {
    Counter: metricClass('counter'),
    Gauge: metricClass('gauge'),
    Rate: metricClass('rate'),
    Trend: metricClass('trend'),
  };
}

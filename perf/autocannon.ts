/** autocannon 8, typed for the benchmarks (it ships no types), and the warm-up they share. */
import { createRequire } from 'node:module';

/** The slice of its options and result the benchmarks use. */
export interface CannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  requests: { method: string; path: string }[];
}
export interface CannonResult {
  latency: { p50: number; p99: number };
  requests: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
export const cannon = createRequire(import.meta.url)('autocannon') as (options: CannonOptions) => Promise<CannonResult>;

/** Warms a path's JIT and connections before it is measured. */
export async function warmUp(url: string, path = '/'): Promise<void> {
  await cannon({ url, connections: 8, amount: 2000, requests: [{ method: 'GET', path }] });
}

/**
 * Without the k6-operator, a distributed run is N plain Jobs of the same bundle, each
 * running one equal execution segment (`--execution-segment i/N:(i+1)/N` of `0,1/N,…,1`),
 * which is what the operator's runners would run; their summaries merge the same way.
 */
import type { V1Job } from '@kubernetes/client-node';
import { buildK6Job, type K6JobOptions } from './manifests.ts';
import { segmentArgs } from './segments.ts';

/** Job i is `<name>-<i+1>`, labelled with its segment so a missing one is named. */
export function buildSegmentJobs(options: K6JobOptions, runners: number): V1Job[] {
  return Array.from({ length: runners }, (_, i) =>
    buildK6Job({
      ...options,
      name: `${options.name}-${i + 1}`,
      labels: { ...options.labels, 'resilience-bench/runner': String(i + 1), 'resilience-bench/runners': String(runners) },
      extraArgs: [...(options.extraArgs ?? []), ...segmentArgs(i, runners)],
    }),
  );
}

/**
 * `k6-job`: k6 inside the cluster as a Job. Pure builders and parsers only; the
 * Kubernetes target applies the objects, waits for the Job, and reads the pod log.
 */
export {
  buildBundleConfigMap,
  buildK6Job,
  CONFIGMAP_LIMIT_BYTES,
  K6_CONTAINER,
  K6_IMAGE,
  k6JobCommand,
  PROXY_STATS_BEGIN,
  PROXY_STATS_END,
  SUMMARY_BEGIN,
  SUMMARY_END,
  type BundleConfigMapOptions,
  type K6JobOptions,
} from './manifests.ts';
export { parsePodLog, type PodLogResult } from './pod-log.ts';
export { buildSegmentJobs } from './segment-jobs.ts';
export { segmentArgs, segmentOf, segmentSequence } from './segments.ts';
export { buildTestRun, STDOUT_SUMMARY, summaryFromRunnerLog, TEST_RUN_API_VERSION, TEST_RUN_KIND, type TestRunObject, type TestRunOptions } from './test-run.ts';

/**
 * The lab's tester as a k6 scenario: GET ENDPOINT_URL at a constant arrival rate, check
 * for 200, and record successes, failures, timeouts, the status-code distribution and
 * latency percentiles. Portable: runs unchanged on k6 >= 0.49 and the embedded runtime.
 * Each response's duration is also counted in a log-spaced bucket
 * (harness/model/latency-histogram.ts), so that runners of one split test can be merged
 * into exact counts and percentiles with a stated bound.
 *
 * __ENV: ENDPOINT_URL, RATE (req/s), DURATION, PRE_ALLOCATED_VUS, MAX_VUS,
 * REQUEST_TIMEOUT, STAGE, VANTAGE, STATUS_CODES (comma list), SUMMARY_PATH,
 * REQUEST_HEADERS (JSON object, e.g. the Host header a gateway routes by).
 */
import { check } from 'k6';
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import { bucketOf, LATENCY_BUCKET_METRIC, latencyBucketThresholds } from '../harness/model/latency-histogram.ts';
import { breakdownThresholds, DEFAULT_STATUS_CODES } from './lib/breakdown.ts';
import { envList, envNumber, envString } from './lib/env.ts';

const url = envString('ENDPOINT_URL', 'http://appflaky.retryns.svc.cluster.local/unstable-endpoint');
const requestTimeout = envString('REQUEST_TIMEOUT', '10s');
const requestTags = { stage: envString('STAGE', 'adhoc'), vantage: envString('VANTAGE', 'adhoc'), name: 'unstable-endpoint' };
const requestHeaders: Record<string, string> = JSON.parse(envString('REQUEST_HEADERS', '{}'));

const successes = new Counter('successes');
const failures = new Counter('failures');
const timeouts = new Counter('timeouts');
const successRate = new Rate('success_rate');
const latencyBuckets = new Counter(LATENCY_BUCKET_METRIC);

export const options = {
  scenarios: {
    load: {
      executor: 'constant-arrival-rate',
      rate: envNumber('RATE', 50),
      timeUnit: '1s',
      duration: envString('DURATION', '10s'),
      preAllocatedVUs: envNumber('PRE_ALLOCATED_VUS', 20),
      maxVUs: envNumber('MAX_VUS', 200),
      gracefulStop: '15s',
    },
  },
  thresholds: { ...breakdownThresholds(envList('STATUS_CODES', DEFAULT_STATUS_CODES)), ...latencyBucketThresholds() },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
};

export default async function () {
  const res = await http.get(url, { headers: requestHeaders, tags: requestTags, timeout: requestTimeout });
  // Every response, as http_req_duration counts every response.
  latencyBuckets.add(1, { b: String(bucketOf(res.timings.duration)) });
  const ok = check(res, { 'status is 200': (r) => r.status === 200 });
  successRate.add(ok);
  if (ok) successes.add(1);
  else failures.add(1);
  if (res.error_code === 1050) timeouts.add(1);
}

export function handleSummary(data: unknown) {
  const summaryPath = envString('SUMMARY_PATH', 'k6-summary.json');
  return { [summaryPath]: JSON.stringify(data, null, 2) };
}

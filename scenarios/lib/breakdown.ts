/**
 * k6 shows a sub-metric in the summary only when a threshold names it. These always-true
 * thresholds make the summary carry the status-code and error-code breakdown the report
 * needs (how many 500s, 503s, connection resets, timeouts), on every engine.
 */
import { COUNTED_ERROR_CODES } from '../../harness/model/k6-error-codes.ts';

export const DEFAULT_STATUS_CODES = ['0', '200', '400', '404', '429', '500', '502', '503', '504'];

export function breakdownThresholds(statusCodes: string[]): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {};
  for (const status of statusCodes) thresholds[`http_reqs{status:${status}}`] = ['count>=0'];
  for (const code of COUNTED_ERROR_CODES) thresholds[`http_reqs{error_code:${code}}`] = ['count>=0'];
  return thresholds;
}

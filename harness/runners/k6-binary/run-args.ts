/**
 * The `k6 run` command line and environment for a RunRequest. The scenario's settings
 * (plan env values, tokens included) travel in k6's environment, which `k6 run` exposes
 * to the script as __ENV (`--include-system-env-vars`, its default, said explicitly):
 * a command line is readable by every local user in `ps`, an environment only by the
 * same user. Keys k6 itself reads as options (K6_*) stay on the command line as `-e`,
 * where k6 treats them as script variables only, so a plan cannot reconfigure k6 by
 * naming one; they never carry secrets here.
 */
import type { RunRequest } from '../runner.ts';

const K6_OPTION_PREFIX = 'K6_';

function scriptEnv(request: RunRequest): Record<string, string> {
  const env = { ...request.env };
  env.SUMMARY_PATH ??= request.summaryPath;
  return env;
}

export function k6RunArgs(request: RunRequest): string[] {
  const args = ['run', '--no-usage-report', '--include-system-env-vars'];
  for (const [key, value] of Object.entries(scriptEnv(request))) {
    if (key.startsWith(K6_OPTION_PREFIX)) args.push('-e', `${key}=${value}`);
  }
  for (const [key, value] of Object.entries(request.tags)) args.push('--tag', `${key}=${value}`);
  if (request.executionSegment) args.push('--execution-segment', request.executionSegment);
  if (request.executionSegmentSequence) args.push('--execution-segment-sequence', request.executionSegmentSequence);
  args.push(request.bundlePath);
  return args;
}

/**
 * k6 (Go's net/http) takes its proxy from HTTP_PROXY; it never proxies loopback hosts,
 * which suits the local mesh, where the in-mesh URL names the service, not 127.0.0.1.
 */
export function k6RunEnv(request: RunRequest, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [key, value] of Object.entries(scriptEnv(request))) {
    if (!key.startsWith(K6_OPTION_PREFIX)) env[key] = value;
  }
  env.K6_NO_USAGE_REPORT = 'true';
  if (request.httpProxy) {
    env.HTTP_PROXY = request.httpProxy;
    env.http_proxy = request.httpProxy;
  }
  return env;
}

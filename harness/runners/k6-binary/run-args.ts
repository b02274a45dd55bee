/** The `k6 run` command line and environment for a RunRequest. */
import type { RunRequest } from '../runner.ts';

export function k6RunArgs(request: RunRequest): string[] {
  const args = ['run', '--no-usage-report'];
  const env = { ...request.env };
  env.SUMMARY_PATH ??= request.summaryPath;
  for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
  for (const [key, value] of Object.entries(request.tags)) args.push('--tag', `${key}=${value}`);
  args.push(request.bundlePath);
  return args;
}

/**
 * k6 (Go's net/http) takes its proxy from HTTP_PROXY; it never proxies loopback hosts,
 * which suits the local mesh, where the in-mesh URL names the service, not 127.0.0.1.
 */
export function k6RunEnv(request: RunRequest, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, K6_NO_USAGE_REPORT: 'true' };
  if (request.httpProxy) {
    env.HTTP_PROXY = request.httpProxy;
    env.http_proxy = request.httpProxy;
  }
  return env;
}

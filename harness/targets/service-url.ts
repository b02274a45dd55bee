/**
 * Reading the in-cluster service a scenario URL points at. Envoy routes by the Host
 * header, so `appflaky.retryns.svc.cluster.local`, `appflaky.retryns` and `appflaky`
 * (in the plan's namespace) all name the same service.
 */
import { UserError } from '../errors/user-error.ts';

export interface ServiceRef {
  name: string;
  namespace: string;
  port: number;
}

export function serviceFromUrl(url: string, defaultNamespace: string): ServiceRef {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError({ code: 'PLAN_BAD_URL', message: `scenario url "${url}" is not a valid URL`, fix: 'use the in-cluster URL, e.g. http://appflaky.retryns.svc.cluster.local/unstable-endpoint' });
  }
  const labels = parsed.hostname.split('.');
  const name = labels[0];
  const namespace = labels.length >= 2 ? labels[1] : defaultNamespace;
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  return { name, namespace, port };
}

/** The same URL with scheme, host and port replaced by `base` (path and query kept). */
export function rebaseUrl(url: string, base: string): string {
  const original = new URL(url);
  const target = new URL(base);
  target.pathname = original.pathname;
  target.search = original.search;
  return target.toString();
}

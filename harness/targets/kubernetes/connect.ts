/**
 * Which cluster the bench talks to, chosen as kubectl chooses: `--kubeconfig`, else
 * `$KUBECONFIG` (a list of files, merged), else ~/.kube/config, else the in-cluster
 * service account when running as a pod; `--context` picks the context. What it says about
 * the connection (server, context, user) never includes a credential.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../../errors/user-error.ts';
import { suggestName } from '../../yaml/closest-name.ts';
import { OutageTolerantKubeConfig } from './ride-out-outages.ts';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Home directory for ~/.kube/config (tests). */
  home?: string;
}

export interface ClusterConnection {
  /** Its API clients ride out a short API server outage (ride-out-outages.ts). */
  kc: OutageTolerantKubeConfig;
  /** Where the configuration came from: a file path, `$KUBECONFIG`, or `in-cluster`. */
  source: string;
  context: string;
  cluster: string;
  server: string;
  user: string;
}

export function connect(options: ConnectOptions = {}): ClusterConnection {
  const env = options.env ?? process.env;
  const kc = new OutageTolerantKubeConfig();
  let source: string;
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) {
      throw new UserError({ code: 'KUBECONFIG_NOT_FOUND', message: `--kubeconfig ${options.kubeconfig} does not exist`, fix: 'pass the path of a kubeconfig file, or leave --kubeconfig out to use $KUBECONFIG or ~/.kube/config' });
    }
    kc.loadFromFile(options.kubeconfig);
    source = options.kubeconfig;
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(process.platform === 'win32' ? ';' : ':').filter((f) => f !== '' && existsSync(f));
    if (files.length === 0) {
      throw new UserError({ code: 'KUBECONFIG_NOT_FOUND', message: `no file of KUBECONFIG=${env.KUBECONFIG} exists`, fix: 'point KUBECONFIG at your kubeconfig file(s), or pass --kubeconfig' });
    }
    kc.loadFromFile(files[0]);
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more, true);
    }
    source = `$KUBECONFIG (${files.join(', ')})`;
  } else if (existsSync(join(options.home ?? homedir(), '.kube', 'config'))) {
    const file = join(options.home ?? homedir(), '.kube', 'config');
    kc.loadFromFile(file);
    source = file;
  } else if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
    source = 'in-cluster service account';
  } else {
    throw new UserError({
      code: 'KUBECONFIG_NOT_FOUND',
      message: 'no kubeconfig: --kubeconfig not given, KUBECONFIG unset, no ~/.kube/config, and not running in a pod',
      fix: 'get credentials for your cluster (e.g. az aks get-credentials), or pass --kubeconfig <file>',
    });
  }
  if (options.context) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) {
      throw new UserError({ code: 'KUBE_CONTEXT_NOT_FOUND', message: `context "${options.context}" is not in ${source}`, fix: suggestName(options.context, names, 'contexts') });
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new UserError({ code: 'KUBE_CONTEXT_NOT_FOUND', message: `the current context "${context}" of ${source} names no cluster`, fix: 'choose a complete context with --context' });
  }
  return { kc, source, context, cluster: cluster.name, server: cluster.server, user: kc.getCurrentUser()?.name ?? '' };
}

/** What run.json and progress lines say about the connection: names and the server URL only. */
export function describeConnection(connection: ClusterConnection): Record<string, string> {
  return { context: connection.context, cluster: connection.cluster, server: redactUrl(connection.server), user: connection.user, kubeconfig: connection.source };
}

/** A server URL with any user:password part removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * What the k6 container of the bench's Job pod does on a real node, done here: the script
 * from the Job's ConfigMap runs with the embedded k6-compatible runtime through the local
 * mesh's client sidecar (the pod's own sidecar), with the `-e` and `--tag` values of the
 * container's `k6 run` line; the log is what that shell line prints (summary, exit code and
 * the sidecar's counters between their markers) and the container ends with k6's exit code.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { EXIT_CODE_PREFIX, K6_CONTAINER, PROXY_STATS_BEGIN, PROXY_STATS_END, SUMMARY_BEGIN, SUMMARY_END } from '../../../harness/runners/k6-job/manifests.ts';
import { createEmbeddedRunner } from '../../../harness/runners/embedded/embedded-runner.ts';
import type { LocalMesh } from '../../../harness/mesh/index.ts';
import { CLIENT_PROXY_NAME } from '../../../harness/mesh/process/mesh-runtime.ts';
import { counterDelta } from '../../../harness/targets/kubernetes/proxy-stats.ts';
import { K6_API_PORT } from '../../../harness/targets/kubernetes/k6-rest-api.ts';
import type { PausedK6Runs } from './k6-api-server.ts';
import { prometheusText } from './prometheus-text.ts';

/** Words of a shell line, with single quotes (and `'\''`) undone: enough for the line k6JobCommand writes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /(?:'[^']*'|\\'|[^\s'\\]+)+/g;
  for (const match of line.matchAll(pattern)) {
    words.push(match[0].replace(/'([^']*)'|\\'/g, (_, quoted: string | undefined) => quoted ?? "'"));
  }
  return words;
}

export interface K6Invocation {
  env: Record<string, string>;
  tags: Record<string, string>;
  script: string;
  /** This pod's share of a split run (`--execution-segment`, `--execution-segment-sequence`). */
  executionSegment?: string;
  executionSegmentSequence?: string;
  /** `--paused`: initialise, then wait to be resumed through the REST API (`--address`). */
  paused: boolean;
  address?: string;
}

/** The `k6 run …` line of the container's `sh -c` script. */
export function k6Invocation(pod: V1Pod): K6Invocation {
  const container = pod.spec?.containers?.find((c) => c.name === K6_CONTAINER);
  const line = (container?.command?.at(-1) ?? '').split('\n').find((l) => l.startsWith('k6 run'));
  if (!line) throw new Error(`pod ${pod.metadata?.name} has no "k6 run" line`);
  // `--flag=value` (how the k6-operator writes its flags) reads as `--flag value`.
  const words = shellWords(line).flatMap((word) => (/^--[a-z-]+=/.test(word) ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word]));
  // The container's env reaches __ENV too (the operator passes the plan's env there); -e wins.
  const env: Record<string, string> = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? '']));
  const tags: Record<string, string> = {};
  const invocation: K6Invocation = { env, tags, script: words.at(-1) ?? '', paused: false };
  for (let i = 2; i < words.length - 1; i++) {
    if (words[i] === '--paused') {
      invocation.paused = true;
      continue;
    }
    const next = words[i + 1] ?? '';
    const [key, ...value] = next.split('=');
    if (words[i] === '-e') env[key] = value.join('=');
    else if (words[i] === '--tag') tags[key] = value.join('=');
    else if (words[i] === '--execution-segment') invocation.executionSegment = next;
    else if (words[i] === '--execution-segment-sequence') invocation.executionSegmentSequence = next;
    else if (words[i] === '--address') invocation.address = next;
    else continue;
    i++;
  }
  return invocation;
}

/**
 * On a cluster each k6 pod has its own sidecar, whose counters start at zero. Here all k6
 * pods share the mesh's one client sidecar, so pods that run at the same time (a split
 * run's Jobs) would each count the others' traffic. The pods of one overlapping group
 * therefore report once: the last to finish gives the group's whole delta, the others
 * none, so their sum is what the cluster's sidecars would add up to.
 */
const sharedSidecar = {
  active: 0,
  before: {} as Record<string, number>,
  async enter(mesh: LocalMesh) {
    if (this.active++ === 0) this.before = (await mesh.stats())[CLIENT_PROXY_NAME] ?? {};
    return {
      leave: async () => {
        const before = this.before;
        if (--this.active > 0) return { before: {}, after: {} };
        return { before, after: (await mesh.stats())[CLIENT_PROXY_NAME] ?? {} };
      },
    };
  },
};

/** A runner pod of a k6-operator TestRun (simulated in k6-operator.ts), not one of the bench's own Jobs. */
function isOperatorRunner(pod: V1Pod): boolean {
  return Boolean(pod.metadata?.labels?.k6_cr) && pod.metadata?.labels?.runner === 'true';
}

/** Runs the pod's k6 and returns its log and exit code. */
export async function runK6Pod(kc: KubeConfig, pod: V1Pod, podIp: string, mesh: LocalMesh, pausedRuns: PausedK6Runs, killAfterMs?: number): Promise<{ log: string; exitCode: number }> {
  const invocation = k6Invocation(pod);
  // k6 serves its API only on the address it is given; the relay reaches port 6565 of the pod IP.
  const paused = invocation.paused && invocation.address?.endsWith(`:${K6_API_PORT}`) ? pausedRuns.register(podIp) : undefined;
  const kill = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const loadStarts = () => {
    if (killAfterMs !== undefined) timer = setTimeout(() => kill.abort(), killAfterMs);
  };
  try {
    const run = await runPodK6(kc, pod, mesh, invocation, { paused, signal: paused ? AbortSignal.any([paused.signal, kill.signal]) : kill.signal, loadStarts });
    // Killed: the container ends with SIGKILL's 137 and k6 never printed its summary.
    return kill.signal.aborted ? { log: 'time="…" level=info msg="killed mid-run"\n', exitCode: 137 } : run;
  } finally {
    clearTimeout(timer);
    paused?.forget();
  }
}

interface PodRunControl {
  paused?: { waitForResume(): Promise<void> };
  signal: AbortSignal;
  loadStarts(): void;
}

async function runPodK6(kc: KubeConfig, pod: V1Pod, mesh: LocalMesh, invocation: K6Invocation, control: PodRunControl): Promise<{ log: string; exitCode: number }> {
  const { paused } = control;
  const volume = pod.spec?.volumes?.find((v) => v.configMap);
  const configMap = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: volume?.configMap?.name ?? '', namespace: pod.metadata?.namespace ?? '' });
  const file = basename(invocation.script);
  const bundle = configMap.data?.[file];
  if (bundle === undefined) return { log: `ERRO[0000] The moduleSpecifier "${invocation.script}" couldn't be found on local disk.\n${EXIT_CODE_PREFIX}107\n`, exitCode: 107 };
  const dir = await mkdtemp(join(tmpdir(), 'rb-sim-k6-'));
  try {
    const bundlePath = join(dir, file);
    await writeFile(bundlePath, bundle);
    // The Job's line names a path inside the container; here the summary goes to a temporary file.
    const summaryPath = join(dir, 'summary.json');
    // A paused pod's sidecar window opens once it is resumed: before that it sends nothing.
    let window: Awaited<ReturnType<typeof sharedSidecar.enter>> | undefined;
    const open = async () => {
      window = await sharedSidecar.enter(mesh);
      control.loadStarts();
    };
    if (!paused) await open();
    const result = await createEmbeddedRunner().run({
      ...(paused ? { startGate: () => paused.waitForResume().then(open) } : {}),
      signal: control.signal,
      bundlePath,
      env: { ...invocation.env, SUMMARY_PATH: summaryPath },
      tags: invocation.tags,
      summaryPath,
      httpProxy: mesh.clientProxyUrl,
      executionSegment: invocation.executionSegment,
      executionSegmentSequence: invocation.executionSegmentSequence,
    });
    const { before, after } = window ? await window.leave() : { before: {}, after: {} };
    const summary = await readFile(summaryPath, 'utf8').catch(() => (result.summary ? JSON.stringify(result.summary) : ''));
    const status = `time="${new Date().toISOString()}" level=info msg="embedded k6-compatible runtime: ${result.outcome}${result.detail ? ` (${result.detail})` : ''}"`;
    if (isOperatorRunner(pod)) {
      // A k6-operator runner's log is k6's stdout, where handleSummary printed the summary (SUMMARY_PATH=stdout).
      return { log: `${status}\n${summary ? JSON.stringify(JSON.parse(summary), null, 2) : ''}\n`, exitCode: result.exitCode };
    }
    const lines = [
      status,
      SUMMARY_BEGIN,
      summary,
      SUMMARY_END,
      `${EXIT_CODE_PREFIX}${result.exitCode}`,
      PROXY_STATS_BEGIN,
      prometheusText(counterDelta(after, before)).trimEnd(),
      PROXY_STATS_END,
    ];
    return { log: `${lines.join('\n')}\n`, exitCode: result.exitCode };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

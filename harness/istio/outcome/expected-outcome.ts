/**
 * The expected-outcome model: what one stage's Istio configuration should do to the
 * requests of one vantage, from the workloads' declared behaviour and the mesh profile.
 * Pure; the formulas and their sources are in MODEL.md and `attempt-model.ts`.
 *
 * Per vantage (docs/mesh-semantics.md §7):
 * - in-mesh: the client sidecar applies the route's fault, retries and timeout; the
 *   server sidecar checks mTLS (auto mTLS, so STRICT is satisfied).
 * - external: straight to the server sidecar: no client-side policy at all. STRICT closes
 *   every plaintext connection: all requests are network errors.
 * - gateway: the gateway applies a route only from a VirtualService that lists it;
 *   without such a VirtualService the gateway has no route (404).
 *
 * Weighted destinations: Envoy picks the cluster once per request and retries stay on it,
 * so the success probability is the weight-average over destinations.
 */
import { DEFAULT_BEHAVIOUR } from '../../model/behaviour.ts';
import type { AppBehaviour, VantageName, WorkloadSpec } from '../../model/plan.ts';
import { type AttemptShares, attemptCut, attemptShares, longestSequenceMs, round, sequenceCutNote, type UpstreamOutcome, upstreamOutcome } from './attempt-model.ts';
import { HOST_SELECTION_PICKS } from '../semantics/host-selection-picks.ts';
import { type HostGroup, sequenceBounds } from './host-selection.ts';
import { tryParseDuration } from '../../util/duration.ts';
import { effectiveMtlsMode } from '../semantics/mtls-mode.ts';
import type { Prediction } from './prediction.ts';
import { describeRetryOn, type EffectiveRetryPolicy, effectiveRetryPolicy, NO_RETRIES } from '../semantics/retry-policy.ts';
import { type RouteRequest, type SelectedRoute, selectRoute } from '../semantics/route-selection.ts';
import { endpointCount, findWorkloadByHost, findWorkloadsByHost, qualifyHost } from '../semantics/service-hosts.ts';
import type { DestinationRule, Gateway, HttpRoute, IstioConfig, MeshProfile } from '../../model/istio-objects.ts';

export interface PredictOptions {
  config: IstioConfig;
  workloads: WorkloadSpec[];
  profile: MeshProfile;
  vantage: VantageName;
  url: string;
  /** Request headers the scenario sends (header-matched routes only match with them). */
  headers?: Record<string, string>;
  /** The stage's behaviour overrides, by workload name. */
  behaviour?: Record<string, Partial<AppBehaviour>>;
  /** The load generator's own per-request timeout (plan `scenario.requestTimeout`); default 10 s. */
  requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export function predict(options: PredictOptions): Prediction {
  const url = new URL(options.url);
  const namespaceHint = options.workloads[0]?.namespace ?? 'default';
  const targets = findWorkloadsByHost(options.workloads, url.hostname, namespaceHint);
  const target = targets[0];
  const request: RouteRequest = {
    host: qualifyHost(url.hostname, target?.namespace ?? namespaceHint),
    path: url.pathname + url.search,
    method: 'GET',
    headers: Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const context: Context = { ...options, request, clientTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS };
  if (options.vantage === 'external') return predictExternal(context, targets);
  if (options.vantage === 'gateway') return predictGateway(context);
  return predictThroughProxy(context, { vantage: 'in-mesh', route: selectRoute({ config: options.config, request }), fallback: targets, notes: [] });
}

interface Context extends PredictOptions {
  request: RouteRequest;
  clientTimeoutMs: number;
}

function behaviourOf(context: Context, workload: WorkloadSpec): AppBehaviour {
  return { ...DEFAULT_BEHAVIOUR, ...workload.behaviour, ...(context.behaviour?.[workload.name] ?? {}) };
}

/** External: no client sidecar, so no fault, retries, timeout or circuit breaking; the server sidecar enforces mTLS. */
function predictExternal(context: Context, targets: WorkloadSpec[]): Prediction {
  const notes = ['external path: no client-side policy applies (no fault, timeout, retries or circuit breaking)'];
  const target = targets[0];
  if (!target) return unmodelled('external', [...notes, `no workload serves ${context.request.host}`]);
  if (target.sidecar) {
    const mtls = effectiveMtlsMode(context.config, target);
    if (mtls.mode === 'STRICT') {
      return {
        vantage: 'external',
        modelled: true,
        successProbability: 0,
        networkErrorProbability: 1,
        formula: '0 (STRICT closes plaintext connections)',
        notes: [...notes, `PeerAuthentication ${mtls.policy?.metadata.name ?? ''} is STRICT: every plaintext request gets its connection closed (network error)`],
      };
    }
    notes.push(`mTLS ${mtls.mode}: plaintext accepted`);
  } else {
    notes.push(`${target.name} has no sidecar: PeerAuthentication is not enforced`);
  }
  const policy = NO_RETRIES;
  const outcomes = targets.map((workload) => ({
    workload,
    outcome: upstreamOutcome({ behaviour: behaviourOf(context, workload), policy, clientBudgetMs: context.clientTimeoutMs, describeRetries: false }),
  }));
  const successes = outcomes.map(({ outcome }) => outcome.success);
  if (outcomes.length === 1 || successes.every((p) => p !== undefined && p === successes[0])) {
    const { outcome } = outcomes[0];
    return fromOutcome('external', outcome, [...notes, ...outcome.notes]);
  }
  // A LoadBalancer Service spreads *connections*, not requests, and a keep-alive client
  // sends many requests per connection: the error rate depends on which pods the
  // connections landed on, anywhere between the best and the worst workload.
  const known = successes.filter((p): p is number => p !== undefined);
  return {
    vantage: 'external',
    modelled: true,
    successBounds: { min: round(Math.min(...known)), max: round(Math.max(...known)) },
    formula: `between ${outcomes.map(({ workload, outcome }) => `${workload.name}: ${outcome.formula}`).join(' and ')}`,
    notes: [
      ...notes,
      `${targets.map((w) => w.name).join(' and ')} behave differently and a LoadBalancer balances connections, not requests: with keep-alive the error rate depends on which pods the connections reached`,
    ],
  };
}

function predictGateway(context: Context): Prediction {
  const gateway: Gateway | undefined = context.config.gateways[0];
  if (!gateway) return unmodelled('gateway', ['the stage has no Gateway: nothing to send gateway traffic through']);
  const route = selectRoute({ config: context.config, request: context.request, gateway });
  if (!route) {
    const bound = context.config.virtualServices.some((vs) => (vs.spec.gateways ?? []).length > 0 && !(vs.spec.gateways ?? []).every((g) => g === 'mesh'));
    return {
      vantage: 'gateway',
      modelled: true,
      successProbability: 0,
      networkErrorProbability: 0,
      formula: '0 (no route at the gateway: 404)',
      notes: [
        bound
          ? `no VirtualService bound to gateway ${gateway.metadata.name} matches ${context.request.host}${context.request.path}: the gateway answers 404`
          : `no VirtualService lists gateway ${gateway.metadata.name} in \`gateways\`: the gateway has no route and answers 404`,
      ],
    };
  }
  return predictThroughProxy(context, { vantage: 'gateway', route, fallback: [], notes: [`VirtualService ${route.virtualService.metadata.name} is bound to gateway ${gateway.metadata.name}: its route policy applies at the gateway`] });
}

/** in-mesh and gateway: a proxy applies the route's fault, retries and timeout before the server sidecar. */
function predictThroughProxy(context: Context, options: { vantage: VantageName; route: SelectedRoute | undefined; fallback: WorkloadSpec[]; notes: string[] }): Prediction {
  const { vantage, route } = options;
  const notes = [...options.notes];
  const httpRoute: HttpRoute | undefined = route?.route;
  if (route) notes.push(`route ${route.virtualService.metadata.name} http[${route.index}]${httpRoute?.name ? ` (${httpRoute.name})` : ''}`);
  else notes.push('no VirtualService route matches: Istio default route (default retry policy, no timeout)');

  const clusters = clustersOf(context, route, options.fallback);
  const destinations = clusters.flatMap((c) => c.members.map((m) => ({ workload: m.workload, weight: (c.weight * m.workload.replicas) / c.members.reduce((sum, o) => sum + o.workload.replicas, 0) })));
  if (destinations.length === 0) return unmodelled(vantage, [...notes, `no workload serves ${context.request.host}`]);

  const policy = effectiveRetryPolicy(httpRoute?.retries, context.profile);
  notes.push(describePolicy(policy, context.profile));
  const routeTimeoutMs = httpRoute?.timeout === undefined ? undefined : tryParseDuration(httpRoute.timeout);
  if (routeTimeoutMs) notes.push(`route timeout ${httpRoute?.timeout} covers all tries and back-offs`);

  const fault = faultOf(httpRoute);
  if (fault.abort > 0) notes.push(`fault abort ${round(fault.abort * 100)}% answers ${fault.abortStatus} locally and is never retried`);
  if (fault.delay > 0) notes.push(`fault delay ${fault.delayMs}ms on ${round(fault.delay * 100)}% (not part of the route timeout)`);

  let success = 0;
  let min = 0;
  let max = 0;
  let networkError = 0;
  let exact = true;
  let modelled = true;
  const formulas: string[] = [];
  for (const cluster of clusters) {
    const reachable: Endpoints[] = [];
    for (const member of cluster.members) {
      const mtls = mtlsBlocks(context, member.workload);
      if (mtls) {
        // Its share of the requests fails; it is left out of the retry sequence below.
        notes.push(mtls);
        formulas.push('0');
        continue;
      }
      const limits = circuitBreakerNote(context.config, member.workload, policy);
      if (limits) {
        notes.push(limits);
        modelled = false;
      }
      reachable.push(member);
    }
    if (reachable.length === 0) continue;
    const allReplicas = cluster.members.reduce((sum, m) => sum + m.workload.replicas, 0);
    const reachableReplicas = reachable.reduce((sum, m) => sum + m.workload.replicas, 0);
    const weight = (cluster.weight * reachableReplicas) / allReplicas;
    const outcome = (budget: number) => clusterOutcome({ context, members: reachable, policy, routeTimeoutMs, clientBudgetMs: budget, named: destinations.length > 1 });
    const plain = outcome(context.clientTimeoutMs);
    const delayed = fault.delay > 0 ? outcome(context.clientTimeoutMs - fault.delayMs) : plain;
    const mix = (pick: (o: UpstreamOutcome) => number | undefined) => (1 - fault.abort) * ((1 - fault.delay) * (pick(plain) ?? 0) + fault.delay * (pick(delayed) ?? 0));
    if (plain.success === undefined || delayed.success === undefined) exact = false;

    success += weight * mix((o) => o.success ?? o.bounds?.max);
    min += weight * mix((o) => o.success ?? o.bounds?.min);
    max += weight * mix((o) => o.success ?? o.bounds?.max);
    networkError += weight * mix((o) => o.networkError ?? 0);
    notes.push(...plain.notes);
    formulas.push(composeFormula(plain.formula, fault, clusters.length > 1 || weight !== 1 ? weight : 1));
  }
  const ejection = outlierEffect(context, destinations);
  if (ejection.note) notes.push(ejection.note);
  if (ejection.unmodelled) modelled = false;
  if (ejection.canRaiseToOne) {
    max = 1;
    exact = false;
  }
  const formula = formulas.join(' + ');
  if (!modelled) {
    return {
      vantage,
      modelled: false,
      successBounds: { min: 0, max: round(max) },
      formula: `at most ${formula}`,
      notes,
    };
  }
  if (!exact) return { vantage, modelled: true, successBounds: { min: round(min), max: round(max) }, formula, notes };
  return { vantage, modelled: true, successProbability: round(success), networkErrorProbability: round(networkError), formula, notes };
}

/** The workloads behind one Envoy cluster (a route destination): its endpoints are all their replicas. */
interface Endpoints {
  workload: WorkloadSpec;
}

interface Cluster {
  /** Share of the requests the route sends to this destination. */
  weight: number;
  members: Endpoints[];
}

/**
 * Where the route sends requests: one cluster per route destination with its weight
 * (Envoy picks the cluster once per request; retries stay on it), each over the
 * endpoints of its destination (all replicas of every Deployment the Service selects,
 * narrowed to a DestinationRule subset).
 */
function clustersOf(context: Context, route: SelectedRoute | undefined, fallback: WorkloadSpec[]): Cluster[] {
  const routeDestinations = route?.route.route ?? [];
  const cluster = (workloads: WorkloadSpec[], weight: number): Cluster[] =>
    workloads.reduce((sum, w) => sum + w.replicas, 0) === 0 ? [] : [{ weight, members: workloads.filter((w) => w.replicas > 0).map((workload) => ({ workload })) }];
  if (routeDestinations.length === 0) return cluster(fallback, 1);
  const namespace = route?.virtualService.metadata.namespace ?? 'default';
  // Istio: a single destination gets weight 100; weights that do not sum to 100 are normalised.
  const weights = routeDestinations.map((d) => (routeDestinations.length === 1 ? 100 : (d.weight ?? 0)));
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  return routeDestinations.flatMap((d, index) => {
    if (weights[index] <= 0) return [];
    const workloads = findWorkloadsByHost(context.workloads, d.destination.host, namespace);
    const subsetLabels = d.destination.subset ? subsetLabelsOf(context.config, d.destination.subset, workloads[0]) : undefined;
    const selected = subsetLabels ? workloads.filter((w) => Object.entries(subsetLabels).every(([k, v]) => w.labels[k] === v)) : workloads;
    return cluster(selected, weights[index] / total);
  });
}

/**
 * One request to one cluster. When every endpoint behaves alike, which host a retry
 * reaches does not matter (`attempt-model.ts`). When they differ, retries avoid hosts
 * already tried (`previous_hosts`), so a retry after a broken endpoint's failure usually
 * reaches a healthy one: `host-selection.ts`.
 */
function clusterOutcome(options: { context: Context; members: Endpoints[]; policy: EffectiveRetryPolicy; routeTimeoutMs?: number; clientBudgetMs: number; named: boolean }): UpstreamOutcome {
  const { context, members, policy } = options;
  const behaviours = members.map((m) => behaviourOf(context, m.workload));
  const alike = behaviours.every((b) => sameBehaviour(b, behaviours[0]));
  if (alike) {
    const outcome = upstreamOutcome({ behaviour: behaviours[0], policy, routeTimeoutMs: options.routeTimeoutMs, clientBudgetMs: options.clientBudgetMs });
    return options.named && members.length === 1 ? { ...outcome, notes: outcome.notes.map((n) => `${members[0].workload.name}: ${n}`) } : outcome;
  }
  const notes: string[] = [];
  // Per-workload notes (what is retried, what times out), from the one-host model.
  members.forEach((m, i) => {
    const single = upstreamOutcome({ behaviour: behaviours[i], policy, routeTimeoutMs: options.routeTimeoutMs, clientBudgetMs: options.clientBudgetMs });
    notes.push(...single.notes.filter((n) => !n.includes('may cut the retry sequence')).map((n) => `${m.workload.name}: ${n}`));
  });
  if (options.clientBudgetMs <= 0) return { success: 0, networkError: 1, formula: '0', notes };
  const cut = attemptCut(options);
  const shares = behaviours.map((b) => attemptShares(b, policy, cut));
  const tries = policy.attempts + 1;
  const groups = (pick: (s: AttemptShares) => number): HostGroup[] => members.map((m, i) => ({ replicas: m.workload.replicas, ends: pick(shares[i]), retried: shares[i].retried }));
  const success = sequenceBounds(groups((s) => s.success), tries);
  const networkError = sequenceBounds(groups((s) => s.networkError), tries);
  const hosts = members.map((m) => `${m.workload.name}×${m.workload.replicas}`).join(', ');
  const retried = shares.some((s) => s.retried > 0) && tries > 1;
  if (retried) notes.push(`retries avoid hosts already tried (previous_hosts, up to ${HOST_SELECTION_PICKS} picks) over ${hosts}`);
  const formula = retried ? `retries over ${hosts} avoiding hosts already tried` : `average over ${hosts}`;
  const firstTry = members.reduce((sum, m, i) => sum + m.workload.replicas * shares[i].success, 0) / members.reduce((sum, m) => sum + m.workload.replicas, 0);
  const sequenceMs = longestSequenceMs({ tries, perTryMs: cut.perTryMs, behaviours, retries: policy.attempts });
  const capMs = Math.min(cut.routeTimeoutMs ?? Number.POSITIVE_INFINITY, options.clientBudgetMs);
  if (retried && sequenceMs > capMs) {
    notes.push(sequenceCutNote({ routeTimeoutMs: cut.routeTimeoutMs, clientBudgetMs: options.clientBudgetMs, sequenceMs }));
    return { bounds: { min: Math.min(firstTry, success.min), max: success.max }, formula: `between ${round(firstTry)} (first try only) and ${formula}`, notes };
  }
  if (success.max - success.min > 1e-9) {
    notes.push(`which untried host a retry reaches depends on the load balancer (round robin or least request): between ${round(success.min)} and ${round(success.max)}`);
    return { bounds: success, formula: `${formula}: ${round(success.min)} to ${round(success.max)}`, notes };
  }
  return { success: success.min, networkError: networkError.max, formula: `${formula}: ${round(success.min)}`, notes };
}

function sameBehaviour(a: AppBehaviour, b: AppBehaviour): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function subsetLabelsOf(config: IstioConfig, subset: string, workload: WorkloadSpec | undefined): Record<string, string> | undefined {
  if (!workload) return undefined;
  return destinationRuleFor(config, workload)?.spec.subsets?.find((s) => s.name === subset)?.labels;
}

interface FaultShare {
  abort: number;
  abortStatus?: number;
  delay: number;
  delayMs: number;
}

/** Fault percentages as fractions; a missing `percentage` means 0% (docs/mesh-semantics.md §3). */
function faultOf(route: HttpRoute | undefined): FaultShare {
  const abort = route?.fault?.abort;
  const delay = route?.fault?.delay;
  const delayPercent = delay?.percentage?.value ?? delay?.percent ?? 0;
  return {
    abort: (abort?.percentage?.value ?? 0) / 100,
    abortStatus: abort?.httpStatus,
    delay: delay?.fixedDelay ? delayPercent / 100 : 0,
    delayMs: delay?.fixedDelay ? (tryParseDuration(delay.fixedDelay) ?? 0) : 0,
  };
}

function composeFormula(upstream: string, fault: FaultShare, weight: number): string {
  let formula = upstream;
  if (fault.abort > 0) formula = formula === '1' ? `1 - ${round(fault.abort)}` : `(1 - ${round(fault.abort)}) · (${formula})`;
  return weight === 1 ? formula : `${round(weight)} · ${formula}`;
}

/** A client sidecar whose DestinationRule forces plaintext (or simple TLS) cannot reach a STRICT server. */
function mtlsBlocks(context: Context, workload: WorkloadSpec): string | undefined {
  if (!workload.sidecar) return undefined;
  const mode = effectiveMtlsMode(context.config, workload).mode;
  const tls = destinationRuleFor(context.config, workload)?.spec.trafficPolicy?.tls?.mode;
  if (mode === 'STRICT' && tls !== undefined && tls !== 'ISTIO_MUTUAL') {
    return `DestinationRule tls mode ${tls} sends no Istio mTLS to ${workload.name}, whose PeerAuthentication is STRICT: every request fails (503)`;
  }
  return undefined;
}

function circuitBreakerNote(config: IstioConfig, workload: WorkloadSpec, policy: EffectiveRetryPolicy): string | undefined {
  const pool = destinationRuleFor(config, workload)?.spec.trafficPolicy?.connectionPool;
  if (!pool) return undefined;
  const limits = [
    pool.tcp?.maxConnections && `maxConnections ${pool.tcp.maxConnections}`,
    pool.http?.http1MaxPendingRequests && `http1MaxPendingRequests ${pool.http.http1MaxPendingRequests}`,
    pool.http?.http2MaxRequests && `http2MaxRequests ${pool.http.http2MaxRequests}`,
    policy.attempts > 0 && pool.http?.maxRetries && `maxRetries ${pool.http.maxRetries}`,
  ].filter(Boolean);
  if (limits.length === 0) return undefined;
  return `circuit breaking (${limits.join(', ')}) depends on how many requests are in flight at once, which the model does not know: only an upper bound is given`;
}

/**
 * Outlier detection changes the outcome only when it can eject (maxEjectionPercent allows
 * it, docs/mesh-semantics.md §5: 100 × (ejected + 1) / hosts ≤ maxEjectionPercent, hosts being
 * every endpoint behind the Service). Ejecting one of several identical replicas moves
 * traffic to replicas that fail just as often: success unchanged. When some endpoints fail
 * and others do not, ejecting the failing ones raises success toward 1 after a few
 * failures each; how many depends on timing, so only bounds are given. Ejecting the only
 * remaining hosts turns requests into `no healthy upstream`, which is not modelled.
 */
function outlierEffect(context: Context, destinations: { workload: WorkloadSpec; weight: number }[]): { note?: string; unmodelled?: boolean; canRaiseToOne?: boolean } {
  const first = destinations[0]?.workload;
  if (!first) return {};
  const rule = destinationRuleFor(context.config, first);
  const outlier = rule?.spec.trafficPolicy?.outlierDetection;
  if (!rule || !outlier) return {};
  const maxPercent = outlier.maxEjectionPercent ?? 10;
  const hosts = endpointCount(context.workloads, rule.spec.host, rule.metadata.namespace ?? first.namespace);
  const ejectable = Array.from({ length: hosts }, (_, i) => i).filter((ejected) => (100 * (ejected + 1)) / hosts <= maxPercent).length;
  const fails = (w: WorkloadSpec) => {
    const b = behaviourOf(context, w);
    return b.failureRate > 0 || b.resetRate > 0 || b.hangRate > 0;
  };
  const failingHosts = destinations.filter(({ workload }) => fails(workload)).reduce((sum, { workload }) => sum + workload.replicas, 0);
  if (ejectable === 0) return { note: `outlier detection can never eject: maxEjectionPercent ${maxPercent} with ${hosts} host(s)` };
  if (failingHosts === 0) return { note: 'outlier detection: no endpoint fails, nothing is ejected' };
  if (failingHosts < hosts) {
    return {
      note: `outlier detection may eject ${Math.min(ejectable, failingHosts)} of the ${failingHosts} failing host(s) (of ${hosts}): once ejected, their share of requests goes to healthy hosts, so success rises toward 1`,
      canRaiseToOne: true,
    };
  }
  if (ejectable < hosts) return { note: `outlier detection may eject up to ${ejectable} of ${hosts} identical replicas: traffic moves to replicas that fail as often, success unchanged` };
  return { note: `outlier detection can eject every replica of ${first.name}: requests then get 503 no healthy upstream for the ejection time, which the model does not predict`, unmodelled: true };
}

function destinationRuleFor(config: IstioConfig, workload: WorkloadSpec): DestinationRule | undefined {
  return config.destinationRules.find((dr) => findWorkloadByHost([workload], dr.spec.host, dr.metadata.namespace ?? workload.namespace) !== undefined);
}

function describePolicy(policy: EffectiveRetryPolicy, profile: MeshProfile): string {
  const on = describeRetryOn(policy.retryOn);
  switch (policy.origin) {
    case 'istio-default':
      return `no retries field: Istio default policy (2 retries on ${on}; ${profile})`;
    case 'default-conditions':
      return `retries without retryOn: ${policy.attempts} retries on Istio's default conditions (${on})`;
    case 'disabled':
      return 'retries disabled (attempts 0)';
    case 'explicit':
      return `${policy.attempts} retries on ${on}${policy.perTryTimeoutMs !== undefined ? `, perTryTimeout ${policy.perTryTimeoutMs}ms` : ''}`;
  }
}

function unmodelled(vantage: VantageName, notes: string[]): Prediction {
  return { vantage, modelled: false, formula: 'not modelled', notes };
}

function fromOutcome(vantage: VantageName, outcome: UpstreamOutcome, notes: string[]): Prediction {
  if (outcome.success === undefined) return { vantage, modelled: true, successBounds: outcome.bounds, formula: outcome.formula, notes };
  return { vantage, modelled: true, successProbability: round(outcome.success), networkErrorProbability: round(outcome.networkError ?? 0), formula: outcome.formula, notes };
}

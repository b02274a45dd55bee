/**
 * Propagation compares the retry policy the Istio model expects for the scenario's route
 * with the one a sidecar's Envoy config dump holds. No cluster needed.
 */
import { expect } from 'chai';
import type { Plan } from '../../../harness/model/plan.ts';
import { expectedRoutePolicy, observedRoutePolicy, routePolicyDifferences, routeTargetOf } from '../../../harness/targets/kubernetes/route-policy.ts';
import { testPlan } from './helpers.ts';

/** A RoutesConfigDump as `pilot-agent request GET config_dump?resource=dynamic_route_configs` prints it (trimmed). */
function configDump(retryPolicy: Record<string, unknown> | undefined, options: { domain?: string; routeName?: string } = {}) {
  return {
    configs: [
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
        dynamic_route_configs: [
          {
            version_info: '2026-12-01T10:00:00Z/42',
            route_config: {
              '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
              name: options.routeName ?? '80',
              virtual_hosts: [
                { name: 'other.retryns.svc.cluster.local:80', domains: ['other.retryns.svc.cluster.local', 'other'], routes: [{ match: { prefix: '/' }, route: { cluster: 'outbound|80||other.retryns.svc.cluster.local' } }] },
                {
                  name: 'appflaky.retryns.svc.cluster.local:80',
                  domains: [options.domain ?? 'appflaky.retryns.svc.cluster.local', 'appflaky', 'appflaky.retryns.svc'],
                  routes: [{ match: { prefix: '/' }, route: { cluster: 'outbound|80||appflaky.retryns.svc.cluster.local', ...(retryPolicy ? { retry_policy: retryPolicy } : {}) } }],
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

describe('kubernetes target: route policy for propagation', () => {
  let plan: Plan;
  before(async () => {
    plan = await testPlan();
  });
  const expected = (stage: string) => {
    const target = routeTargetOf(plan.scenario.url, plan.namespace);
    return expectedRoutePolicy({ config: plan.stages.find((s) => s.name === stage)!.config, target, profile: plan.meshProfile });
  };
  const target = () => routeTargetOf(plan.scenario.url, plan.namespace);

  it("expects Istio's default policy without a VirtualService, the stage's with one", () => {
    expect(expected('baseline')).to.deep.equal({ attempts: 2, retryOn: ['cancelled', 'connect-failure', 'refused-stream', 'unavailable'], statusCodes: [], perTryTimeoutMs: undefined });
    expect(expected('retries-default')).to.deep.include({ attempts: 10, retryOn: ['cancelled', 'connect-failure', 'refused-stream', 'unavailable'], perTryTimeoutMs: 5 });
    expect(expected('retries-5xx')).to.deep.include({ attempts: 10, retryOn: ['5xx'], perTryTimeoutMs: 5 });
  });

  it('reads the route of the scenario host from a config dump and finds no difference when Envoy has the stage', () => {
    const observed = observedRoutePolicy(configDump({ retry_on: '5xx', num_retries: 10, per_try_timeout: '0.005s', retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }] }), target());
    expect(observed).to.deep.equal({ attempts: 10, retryOn: ['5xx'], statusCodes: [], perTryTimeoutMs: 5 });
    expect(routePolicyDifferences(expected('retries-5xx'), observed!)).to.deep.equal([]);
  });

  it("says what differs while a sidecar still holds the previous stage's route", () => {
    const previous = observedRoutePolicy(configDump({ retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: 10, per_try_timeout: '0.005s' }), target());
    expect(routePolicyDifferences(expected('retries-default'), previous!)).to.deep.equal([]);
    expect(routePolicyDifferences(expected('retries-5xx'), previous!)).to.deep.equal(['retry_on "cancelled,connect-failure,refused-stream,unavailable", expected "5xx"']);
  });

  it("takes a policy without num_retries as Envoy's one retry, and no policy as no retries", () => {
    expect(observedRoutePolicy(configDump({ retry_on: '5xx' }), target())?.attempts).to.equal(1);
    expect(observedRoutePolicy(configDump(undefined), target())).to.deep.equal({ attempts: 0, retryOn: [], statusCodes: [] });
  });

  it('finds no route when the proxy has no virtual host for the service on that port', () => {
    expect(observedRoutePolicy(configDump({ num_retries: 2 }, { routeName: '8080' }), target())).to.equal(undefined);
    expect(observedRoutePolicy(configDump({ num_retries: 2 }, { domain: 'elsewhere' }), { host: 'nothing.retryns.svc.cluster.local', port: 80, path: '/' })).to.equal(undefined);
  });

  it('keeps retriable status codes apart from the words, as Istio translates numbers in retryOn', () => {
    const observed = observedRoutePolicy(configDump({ retry_on: 'gateway-error,retriable-status-codes', num_retries: 3, retriable_status_codes: [503, 500] }), target());
    expect(observed).to.deep.include({ retryOn: ['gateway-error', 'retriable-status-codes'], statusCodes: [500, 503] });
  });
});

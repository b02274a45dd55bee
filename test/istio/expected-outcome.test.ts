import { expect } from 'chai';
import { predict } from '../../harness/istio/outcome/expected-outcome.ts';
import type { MeshProfile } from '../../harness/model/istio-objects.ts';
import type { AppBehaviour, VantageName } from '../../harness/model/plan.ts';
import { config, GATEWAY, STRICT, URL, virtualService, workload } from '../fixtures/plan-objects.ts';

function run(options: { yaml?: string; behaviour?: Partial<AppBehaviour>; vantage?: VantageName; profile?: MeshProfile; replicas?: number; headers?: Record<string, string> }) {
  return predict({
    config: config(options.yaml ?? ''),
    workloads: [workload({ behaviour: options.behaviour ?? { failureRate: 0.5 }, replicas: options.replicas })],
    profile: options.profile ?? 'istio-1.24+',
    vantage: options.vantage ?? 'in-mesh',
    url: URL,
    headers: options.headers,
  });
}

const retries = (body: string) => virtualService(`      retries:\n${body}`);

describe('expected-outcome model', () => {
  describe('the retries lab', () => {
    it('baseline: 0.5 from both vantages (default retryOn does not cover 500)', () => {
      expect(run({}).successProbability).to.equal(0.5);
      expect(run({ vantage: 'external' }).successProbability).to.equal(0.5);
    });

    it('attempts 10 without retryOn: still 0.5', () => {
      const p = run({ yaml: retries('        attempts: 10\n        perTryTimeout: 5ms\n') });
      expect(p.successProbability).to.equal(0.5);
      expect(p.formula).to.equal('1 - 0.5');
    });

    it('retryOn 5xx: 1 - 0.5^11 in the mesh', () => {
      const p = run({ yaml: retries('        attempts: 10\n        perTryTimeout: 5ms\n        retryOn: 5xx\n'), behaviour: { failureRate: 0.5, latency: { kind: 'fixed', ms: 1 } } });
      expect(p.successProbability).to.be.closeTo(1 - 0.5 ** 11, 1e-6);
      expect(p.formula).to.equal('1 - 0.5^(10+1)');
    });

    it('external under STRICT: every request is a network error; the external path gets no retries', () => {
      const strict = run({ yaml: `${STRICT}---\n${retries('        attempts: 10\n        retryOn: 5xx\n')}`, vantage: 'external' });
      expect(strict).to.include({ successProbability: 0, networkErrorProbability: 1 });
      expect(run({ yaml: retries('        attempts: 10\n        retryOn: 5xx\n'), vantage: 'external' }).successProbability).to.equal(0.5);
      expect(run({ yaml: STRICT }).successProbability).to.equal(0.5);
    });
  });

  it('Istio 1.22 default retries cover 503 (3 tries), 1.24+ do not', () => {
    const behaviour = { failureRate: 0.5, failureStatus: 503 };
    expect(run({ behaviour, profile: 'istio-1.22' }).successProbability).to.be.closeTo(1 - 0.5 ** 3, 1e-9);
    expect(run({ behaviour, profile: 'istio-1.24+' }).successProbability).to.equal(0.5);
    // retryOn replaces the default list, so 1.22's default 503 no longer applies with retryOn: connect-failure.
    expect(run({ behaviour, profile: 'istio-1.22', yaml: retries('        attempts: 3\n        retryOn: connect-failure\n') }).successProbability).to.equal(0.5);
    expect(run({ behaviour, yaml: retries('        attempts: 3\n        retryOn: gateway-error\n') }).successProbability).to.be.closeTo(1 - 0.5 ** 4, 1e-9);
  });

  it('composes fault aborts with upstream errors; aborts are never retried', () => {
    const yaml = virtualService('      fault:\n        abort: { httpStatus: 503, percentage: { value: 20 } }\n      retries: { attempts: 2, retryOn: 5xx }\n');
    expect(run({ yaml }).successProbability).to.be.closeTo(0.8 * (1 - 0.5 ** 3), 1e-9);
    // The fault runs in the client sidecar: external callers never see it.
    expect(run({ yaml, vantage: 'external' }).successProbability).to.equal(0.5);
    // A missing percentage means 0%.
    expect(run({ yaml: virtualService('      fault:\n        abort: { httpStatus: 503 }\n') }).successProbability).to.equal(0.5);
  });

  it('cuts tries at the per-try timeout using the latency distribution', () => {
    const behaviour: Partial<AppBehaviour> = { failureRate: 0, latency: { kind: 'uniform', minMs: 0, maxMs: 100 } };
    // Not retried (default retryOn has no per-try timeout condition): P(L ≤ 40ms) = 0.4.
    expect(run({ behaviour, yaml: retries('        attempts: 2\n        perTryTimeout: 40ms\n') }).successProbability).to.be.closeTo(0.4, 1e-9);
    // Retried on 5xx: 1 - 0.6^3.
    expect(run({ behaviour, yaml: retries('        attempts: 2\n        perTryTimeout: 40ms\n        retryOn: 5xx\n') }).successProbability).to.be.closeTo(1 - 0.6 ** 3, 1e-9);
  });

  it('uses the normal CDF for the route timeout', () => {
    const behaviour: Partial<AppBehaviour> = { latency: { kind: 'normal', meanMs: 100, stddevMs: 20 } };
    const p = run({ behaviour, yaml: virtualService('      timeout: 100ms\n      retries: { attempts: 0 }\n') });
    expect(p.successProbability).to.be.closeTo(0.5, 1e-6);
    const q = run({ behaviour, yaml: virtualService('      timeout: 120ms\n      retries: { attempts: 0 }\n') });
    expect(q.successProbability).to.be.closeTo(0.841345, 1e-5);
  });

  it('gives bounds when the route timeout may cut a retry sequence short', () => {
    const yaml = virtualService('      timeout: 50ms\n      retries: { attempts: 5, perTryTimeout: 20ms, retryOn: 5xx }\n');
    const p = run({ yaml, behaviour: { failureRate: 0.5, latency: { kind: 'fixed', ms: 10 } } });
    expect(p.successProbability).to.equal(undefined);
    expect(p.successBounds?.min).to.equal(0.5);
    expect(p.successBounds?.max).to.be.closeTo(1 - 0.5 ** 6, 1e-6);
  });

  it('hangs with no timeout anywhere end at the client timeout as network errors', () => {
    const p = run({ behaviour: { hangRate: 0.2 } });
    expect(p.successProbability).to.be.closeTo(0.8, 1e-9);
    expect(p.networkErrorProbability).to.be.closeTo(0.2, 1e-9);
    expect(run({ behaviour: { hangRate: 0.2 }, vantage: 'external' }).networkErrorProbability).to.be.closeTo(0.2, 1e-9);
  });

  it('splits by destination weight', () => {
    const yaml = `${virtualService('', { extraRoutes: '' }).replace('        - destination: { host: app }\n', '        - destination: { host: app }\n          weight: 75\n        - destination: { host: stable }\n          weight: 25\n')}`;
    const p = predict({
      config: config(yaml),
      workloads: [workload({ behaviour: { failureRate: 0.5 } }), workload({ name: 'stable' })],
      profile: 'istio-1.24+',
      vantage: 'in-mesh',
      url: URL,
    });
    expect(p.successProbability).to.be.closeTo(0.75 * 0.5 + 0.25, 1e-9);
  });

  it('matches header routes only when the request carries the header', () => {
    const chaos = '    - match: [{ headers: { x-chaos: { exact: "on" } } }]\n      route: [{ destination: { host: app } }]\n      fault: { abort: { httpStatus: 500, percentage: { value: 100 } } }\n';
    const yaml = virtualService('', { extraRoutes: chaos });
    expect(run({ yaml }).successProbability).to.equal(0.5);
    expect(run({ yaml, headers: { 'X-Chaos': 'on' } }).successProbability).to.equal(0);
  });

  it('gateway: policies apply only when the VirtualService lists the gateway', () => {
    const route = '      retries: { attempts: 10, retryOn: 5xx }\n';
    const unbound = run({ yaml: `${GATEWAY}---\n${virtualService(route)}`, vantage: 'gateway' });
    expect(unbound.successProbability).to.equal(0);
    expect(unbound.notes.join(' ')).to.contain('404');
    const bound = run({ yaml: `${GATEWAY}---\n${virtualService(route, { gateways: ['gw', 'mesh'] })}`, vantage: 'gateway' });
    expect(bound.successProbability).to.be.closeTo(1 - 0.5 ** 11, 1e-6);
    // Bound to the gateway only: the mesh falls back to the default route.
    expect(run({ yaml: `${GATEWAY}---\n${virtualService(route, { gateways: ['gw'] })}` }).successProbability).to.equal(0.5);
    expect(run({ vantage: 'gateway' }).modelled).to.equal(false);
  });

  it('circuit breaking is not modelled: only an upper bound', () => {
    const dr = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: app }\nspec:\n  host: app\n  trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } } }\n';
    const p = run({ yaml: dr, behaviour: {} });
    expect(p.modelled).to.equal(false);
    expect(p.successBounds).to.deep.equal({ min: 0, max: 1 });
    expect(p.notes.join(' ')).to.contain('in flight');
  });

  it('outlier detection among identical replicas leaves the success probability unchanged', () => {
    const dr = (max: number) =>
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: app }\nspec:\n  host: app\n  trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1, maxEjectionPercent: ${max} } }\n`;
    expect(run({ yaml: dr(50), replicas: 2 }).successProbability).to.equal(0.5);
    expect(run({ yaml: dr(100), replicas: 2 }).modelled).to.equal(false);
    expect(run({ yaml: dr(10), replicas: 2 }).notes.join(' ')).to.contain('never eject');
  });
});

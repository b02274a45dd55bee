import { expect } from 'chai';
import { LINT_RULES, lintPlan } from '../../harness/istio/lint/lint.ts';
import type { AppBehaviour } from '../../harness/model/plan.ts';
import { GATEWAY, PERMISSIVE, plan, STRICT, stage, virtualService, workload } from '../fixtures/plan-objects.ts';

function codes(options: { stages: [string, string][]; behaviour?: Partial<AppBehaviour>; replicas?: number; gatewayVantage?: boolean }): string[] {
  const p = plan({
    stages: options.stages.map(([name, yaml]) => stage(name, yaml)),
    workloads: [workload({ behaviour: options.behaviour ?? { failureRate: 0.5 }, replicas: options.replicas })],
    vantages: options.gatewayVantage ? ['in-mesh', 'gateway'] : ['in-mesh', 'external'],
  });
  return lintPlan(p).map((f) => f.code);
}

const dr = (outlier: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: app }
spec:
  host: app
  trafficPolicy:
    outlierDetection: ${outlier}
`;

describe('config linter', () => {
  it('every rule has a unique code documented in LINT.md', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../harness/istio/lint/LINT.md', import.meta.url), 'utf8');
    const seen = new Set<string>();
    for (const rule of LINT_RULES) {
      expect(seen.has(rule.code), rule.code).to.equal(false);
      seen.add(rule.code);
      expect(doc, rule.code).to.contain(`## ${rule.code}`);
    }
  });

  it('RB101: app resets arrive as 503, so retryOn reset does not cover them', () => {
    const resets = { failureRate: 0, resetRate: 0.3 };
    expect(codes({ stages: [['s', virtualService('      retries: { attempts: 3, retryOn: reset }\n')]], behaviour: resets })).to.deep.equal(['RB101']);
    expect(codes({ stages: [['s', virtualService('      retries: { attempts: 3, retryOn: gateway-error }\n')]], behaviour: resets })).to.deep.equal([]);
    expect(codes({ stages: [['s', virtualService('      retries: { attempts: 3, retryOn: "503" }\n')]], behaviour: resets })).to.deep.equal([]);
  });

  it('RB101: retries whose retryOn does not cover the failure status', () => {
    expect(codes({ stages: [['s', virtualService('      retries: { attempts: 10, perTryTimeout: 5ms }\n')]] })).to.deep.equal(['RB101']);
    expect(codes({ stages: [['s', virtualService('      retries: { attempts: 10, retryOn: 5xx }\n')]] })).to.deep.equal([]);
    expect(codes({ stages: [['s', virtualService('      retries: { attempts: 10 }\n')]], behaviour: { failureRate: 0 } })).to.deep.equal([]);
  });

  it('RB101 points at the retries block, with the fix', () => {
    const p = plan({ stages: [stage('s', virtualService('      retries:\n        attempts: 10\n'))] });
    const [finding] = lintPlan(p);
    expect(finding).to.deep.include({ code: 'RB101', severity: 'warning', stage: 's', fix: 'add `retryOn: 5xx` (or list 500 in retryOn)' });
    expect(finding.location).to.deep.include({ file: 'policy.yaml', line: 10 });
  });

  it('RB102: perTryTimeout shorter than the typical latency', () => {
    const route = '      retries: { attempts: 2, perTryTimeout: 20ms, retryOn: 5xx }\n';
    expect(codes({ stages: [['s', virtualService(route)]], behaviour: { latency: { kind: 'normal', meanMs: 50, stddevMs: 5 } } })).to.deep.equal(['RB102']);
    expect(codes({ stages: [['s', virtualService(route)]], behaviour: { latency: { kind: 'fixed', ms: 5 } } })).to.deep.equal([]);
  });

  it('RB103: fault and retries/timeout on the same route', () => {
    const fault = '      fault: { abort: { httpStatus: 503, percentage: { value: 10 } } }\n';
    expect(codes({ stages: [['s', virtualService(`${fault}      timeout: 1s\n`)]], behaviour: {} })).to.deep.equal(['RB103']);
    expect(codes({ stages: [['s', virtualService(fault)]], behaviour: {} })).to.deep.equal([]);
  });

  it('RB104: consecutiveErrors is ignored', () => {
    expect(codes({ stages: [['s', dr('{ consecutiveErrors: 5, maxEjectionPercent: 100 }')]] })).to.deep.equal(['RB104']);
    expect(codes({ stages: [['s', dr('{ consecutive5xxErrors: 5, maxEjectionPercent: 100 }')]] })).to.deep.equal([]);
  });

  it('RB105: maxEjectionPercent that can never eject with this many replicas', () => {
    expect(codes({ stages: [['s', dr('{ consecutive5xxErrors: 5 }')]], replicas: 3 })).to.deep.equal(['RB105']);
    expect(codes({ stages: [['s', dr('{ consecutive5xxErrors: 5, maxEjectionPercent: 34 }')]], replicas: 3 })).to.deep.equal([]);
    expect(codes({ stages: [['s', dr('{ consecutive5xxErrors: 5, maxEjectionPercent: 33 }')]], replicas: 3 })).to.deep.equal(['RB105']);
  });

  it('RB106: perTryTimeout not shorter than the route timeout', () => {
    const behaviour = { failureRate: 0.5, latency: { kind: 'fixed' as const, ms: 1 } };
    expect(codes({ stages: [['s', virtualService('      timeout: 1s\n      retries: { attempts: 3, perTryTimeout: 1s, retryOn: 5xx }\n')]], behaviour })).to.deep.equal(['RB106']);
    expect(codes({ stages: [['s', virtualService('      timeout: 1s\n      retries: { attempts: 3, perTryTimeout: 200ms, retryOn: 5xx }\n')]], behaviour })).to.deep.equal([]);
  });

  it('RB107: the plan ends with mTLS relaxed after a STRICT stage', () => {
    expect(codes({ stages: [['a', STRICT], ['b', PERMISSIVE]] })).to.deep.equal(['RB107']);
    expect(codes({ stages: [['a', STRICT], ['b', '']] })).to.deep.equal(['RB107']);
    expect(codes({ stages: [['a', PERMISSIVE], ['b', STRICT]] })).to.deep.equal([]);
    expect(codes({ stages: [['a', ''], ['b', PERMISSIVE]] })).to.deep.equal([]);
  });

  it('RB108: a VirtualService without gateways when the stage expects gateway traffic', () => {
    const route = '      retries: { attempts: 3, retryOn: 5xx }\n';
    expect(codes({ stages: [['s', `${GATEWAY}---\n${virtualService(route)}`]], gatewayVantage: true })).to.deep.equal(['RB108']);
    expect(codes({ stages: [['s', `${GATEWAY}---\n${virtualService(route, { gateways: ['gw', 'mesh'] })}`]], gatewayVantage: true })).to.deep.equal([]);
    expect(codes({ stages: [['s', `${GATEWAY}---\n${virtualService(route)}`]], gatewayVantage: false })).to.deep.equal([]);
  });

  it('RB109: a VirtualService bound to a gateway the stage does not have', () => {
    const route = '      retries: { attempts: 3, retryOn: 5xx }\n';
    expect(codes({ stages: [['s', virtualService(route, { gateways: ['gw', 'mesh'] })]] })).to.deep.equal(['RB109']);
    expect(codes({ stages: [['s', `${GATEWAY}---\n${virtualService(route, { gateways: ['gw', 'mesh'] })}`]] })).to.deep.equal([]);
    expect(codes({ stages: [['s', `${GATEWAY}---\n${virtualService(route, { gateways: ['ns1/gw'] })}`]] })).to.deep.equal([]);
    expect(codes({ stages: [['s', `${GATEWAY}---\n${virtualService(route, { gateways: ['other/gw'] })}`]] })).to.deep.equal(['RB109']);
    const [finding] = lintPlan(plan({ stages: [stage('s', `${GATEWAY}---\n${virtualService(route, { gateways: ['mesh', 'gw-typo'] })}`)] }));
    expect(finding).to.include({ code: 'RB109', severity: 'error' });
    expect(finding.message).to.contain('gateway gw-typo');
    expect(finding.fix).to.contain('ns1/gw');
    expect(finding.location?.line).to.equal(14);
  });

  it('RB110: a DestinationRule whose host matches no Service', () => {
    const rule = (host: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: app }
spec:
  host: ${host}
  trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } } }
`;
    expect(codes({ stages: [['s', rule('app')]] })).to.deep.equal([]);
    expect(codes({ stages: [['s', rule('app.ns1.svc.cluster.local')]] })).to.deep.equal([]);
    expect(codes({ stages: [['s', rule('"*.ns1.svc.cluster.local"')]] })).to.deep.equal([]);
    expect(codes({ stages: [['s', rule('appp')]] })).to.deep.equal(['RB110']);
    expect(codes({ stages: [['s', rule('app.other.svc.cluster.local')]] })).to.deep.equal(['RB110']);
    const [finding] = lintPlan(plan({ stages: [stage('s', rule('appp'))] }));
    expect(finding.message).to.contain('appp.ns1.svc.cluster.local');
    expect(finding.fix).to.contain('app.ns1');
  });

  it('RB111: a stage config file with no Istio object in it', () => {
    const findings = lintPlan(plan({ stages: [stage('s', STRICT, { configFiles: ['policy.yaml', 'empty.yaml'] })] }));
    expect(findings.map((f) => [f.code, f.location?.file])).to.deep.equal([['RB111', 'empty.yaml']]);
    expect(lintPlan(plan({ stages: [stage('s', STRICT, { configFiles: ['policy.yaml'] })] }))).to.deep.equal([]);
  });
});

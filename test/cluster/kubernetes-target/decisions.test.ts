/**
 * The kubernetes target's pure decisions: which injection label, which permissions, where
 * external load enters, a stage's behaviour as container env, a plan moved to another
 * namespace. No cluster needed.
 */
import { expect } from 'chai';
import type { V1Service } from '@kubernetes/client-node';
import { behaviourEnv, withBehaviour } from '../../../harness/targets/kubernetes/behaviour-env.ts';
import { companionLoadBalancer, serviceBaseUrl } from '../../../harness/targets/kubernetes/external-address.ts';
import { decideInjection, injectorRevisions, parseInjection } from '../../../harness/targets/kubernetes/injection.ts';
import { istiodInfo, nativeSidecars } from '../../../harness/targets/kubernetes/istio-install.ts';
import { withNamespace } from '../../../harness/targets/kubernetes/namespace-override.ts';
import { accessRequirements, describeRequirement } from '../../../harness/targets/kubernetes/rbac-requirements.ts';
import { changesBeyondRoutes, stageObjects, undeclared } from '../../../harness/targets/kubernetes/stage-objects.ts';
import { proxyStatsConfig, workloadObjects } from '../../../harness/targets/kubernetes/workloads.ts';
import { refusalOf as thrown } from '../../fixtures/user-errors.ts';
import { testPlan } from './helpers.ts';


describe('kubernetes target: injection label', () => {
  it('reads revisions from injector webhooks: tag, else rev, else default', () => {
    expect(
      injectorRevisions([
        { metadata: { name: 'istio-sidecar-injector-asm-1-27', labels: { app: 'sidecar-injector', 'istio.io/rev': 'asm-1-27' } } },
        { metadata: { name: 'istio-revision-tag-default', labels: { 'istio.io/tag': 'default', 'istio.io/rev': '1-24' } } },
        { metadata: { name: 'cert-manager-webhook' } },
      ]),
    ).to.deep.equal(['asm-1-27', 'default']);
  });

  it('uses istio.io/rev for the AKS add-on and removes istio-injection, which would win', () => {
    expect(decideInjection({ choice: { kind: 'auto' }, revisions: ['asm-1-27'] }).labels).to.deep.equal({ 'istio.io/rev': 'asm-1-27', 'istio-injection': null });
    expect(decideInjection({ choice: { kind: 'auto' }, revisions: ['default', 'asm-1-27'] }).labels).to.deep.equal({ 'istio-injection': 'enabled' });
  });

  it('keeps a revision label the namespace already has, and asks to choose among several', () => {
    expect(decideInjection({ choice: { kind: 'auto' }, revisions: ['1-23', '1-24'], namespaceLabels: { 'istio.io/rev': '1-23' } }).labels).to.deep.equal({ 'istio-injection': null });
    const ambiguous = thrown(() => decideInjection({ choice: { kind: 'auto' }, revisions: ['1-23', '1-24'] }));
    expect(ambiguous.code).to.equal('INJECTION_AMBIGUOUS');
    expect(ambiguous.fix).to.include('--injection rev:1-24');
  });

  it('checks an explicit choice against the injectors, and trusts it when they cannot be listed', () => {
    expect(thrown(() => decideInjection({ choice: { kind: 'rev', rev: 'asm-1-26' }, revisions: ['asm-1-27'] })).code).to.equal('INJECTION_UNAVAILABLE');
    expect(decideInjection({ choice: { kind: 'rev', rev: 'asm-1-26' } }).labels).to.deep.equal({ 'istio.io/rev': 'asm-1-26', 'istio-injection': null });
    expect(decideInjection({ choice: { kind: 'auto' }, namespaceLabels: { 'istio.io/rev': 'asm-1-27' } }).labels).to.deep.equal({});
    expect(decideInjection({ choice: { kind: 'auto' } }).reason).to.include('not listable');
  });

  it('parses --injection', () => {
    expect(parseInjection(undefined)).to.deep.equal({ kind: 'auto' });
    expect(parseInjection('rev:asm-1-27')).to.deep.equal({ kind: 'rev', rev: 'asm-1-27' });
    expect(thrown(() => parseInjection('rev:')).code).to.equal('USAGE');
  });

  it("reads istiod's version and native sidecar setting, native only from Kubernetes 1.29", () => {
    const istiod = istiodInfo({ metadata: { name: 'istiod-asm-1-27', namespace: 'aks-istio-system', labels: { 'istio.io/rev': 'asm-1-27' } }, spec: { selector: {}, template: { spec: { containers: [{ name: 'discovery', image: 'mcr.microsoft.com/oss/istio/pilot:1.27.3-distroless' }] } } } });
    expect(istiod).to.deep.include({ version: '1.27.3', revision: 'asm-1-27', nativeSidecarsEnv: undefined });
    expect(nativeSidecars({ istiod, kubernetesMinor: 30 })).to.equal(true);
    expect(nativeSidecars({ istiod, kubernetesMinor: 28 })).to.equal(false);
    expect(nativeSidecars({ istiod: { ...istiod, version: '1.24.2' }, kubernetesMinor: 30 })).to.equal(false);
    expect(nativeSidecars({ istiod: { ...istiod, nativeSidecarsEnv: false }, kubernetesMinor: 30 })).to.equal(false);
  });
});

describe('kubernetes target: permissions a plan needs', () => {
  it("lists every verb on the plan's kinds in the plan's namespace, Job and log only for in-mesh load", async () => {
    const plan = await testPlan();
    const lines = accessRequirements({ plan, vantages: ['in-mesh'] }).map(describeRequirement);
    expect(lines).to.include.members([
      'patch security.istio.io/peerauthentications in namespace retryns',
      'delete networking.istio.io/virtualservices in namespace retryns',
      'update apps/deployments in namespace retryns',
      'create batch/jobs in namespace retryns',
      'get pods/log in namespace retryns',
      'create namespaces (cluster-wide)',
    ]);
    const external = accessRequirements({ plan, vantages: ['external'] }).map(describeRequirement);
    expect(external).not.to.include('create batch/jobs in namespace retryns');
    expect(external).to.include('list nodes (cluster-wide)');
    expect(accessRequirements({ plan, vantages: ['in-mesh'], keep: true }).map(describeRequirement)).not.to.include('delete namespaces (cluster-wide)');
  });

  it('marks what the run can do without as optional, with what it does instead', async () => {
    const plan = await testPlan();
    const exec = accessRequirements({ plan, vantages: ['in-mesh'] }).find((r) => r.subresource === 'exec' && r.verb === 'create');
    expect(exec?.fallback).to.include('settle');
    expect(accessRequirements({ plan, vantages: ['in-mesh'] }).find((r) => r.resource === 'peerauthentications')?.fallback).to.equal(undefined);
  });

  it('asks for k6.io testruns only for a split in-mesh run, and as optional (N Jobs instead)', async () => {
    const plan = await testPlan();
    expect(accessRequirements({ plan, vantages: ['in-mesh'] }).some((r) => r.resource === 'testruns')).to.equal(false);
    const split = { ...plan, scenario: { ...plan.scenario, runners: 4 } };
    const testRuns = accessRequirements({ plan: split, vantages: ['in-mesh'] }).filter((r) => r.resource === 'testruns');
    expect(testRuns.map(describeRequirement)).to.deep.equal(['get k6.io/testruns in namespace retryns', 'create k6.io/testruns in namespace retryns', 'delete k6.io/testruns in namespace retryns']);
    expect(testRuns.every((r) => r.fallback === 'N plain Jobs with k6 execution segments')).to.equal(true);
    expect(accessRequirements({ plan: split, vantages: ['external'] }).some((r) => r.resource === 'testruns')).to.equal(false);
  });
});

describe('kubernetes target: workloads, stages and addresses', () => {
  it('adds proxyStatsMatcher for the counters the report reads, keeping an existing proxy config', () => {
    const config = JSON.parse(proxyStatsConfig('{"holdApplicationUntilProxyStarts":true,"proxyStatsMatcher":{"inclusionPrefixes":["cluster.outbound"]}}'));
    expect(config.holdApplicationUntilProxyStarts).to.equal(true);
    expect(config.proxyStatsMatcher.inclusionPrefixes).to.deep.equal(['cluster.outbound']);
    expect(config.proxyStatsMatcher.inclusionRegexps).to.include.members(['.*upstream_rq_retry.*', '.*upstream_rq_per_try_timeout', '.*upstream_rq_pending_overflow', '.*outlier_detection.*']);
  });

  it("replaces the sample app's image with --app-image and leaves Namespaces to the target", async () => {
    const objects = workloadObjects(await testPlan(), { appImage: 'myregistry.azurecr.io/sample-app:1.2' });
    expect(objects.map((o) => o.kind).sort()).to.deep.equal(['Deployment', 'Service', 'ServiceAccount']);
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(deployment.spec.template.spec.containers[0].image).to.equal('myregistry.azurecr.io/sample-app:1.2');
    expect(JSON.stringify(objects)).not.to.include('"source"');
  });

  it("removes what the previous stage declared and this one does not, and settles for changes a route does not show", async () => {
    const plan = await testPlan();
    const byName = (name: string) => stageObjects(plan.stages.find((s) => s.name === name)!.config);
    expect(undeclared(byName('retries-5xx'), byName('strict')).map((r) => `${r.kind}/${r.name}`)).to.deep.equal(['VirtualService/appflaky']);
    expect(undeclared(byName('strict'), byName('retries-5xx'))).to.deep.equal([]);
    expect(changesBeyondRoutes(byName('retries-default'), byName('retries-5xx'))).to.equal(false);
    expect(changesBeyondRoutes(byName('retries-5xx'), byName('permissive'))).to.equal(true);
  });

  it("turns a stage's behaviour into the sample app's env", async () => {
    expect(behaviourEnv({ failureRate: 0.5, failureStatus: 503, latency: { kind: 'fixed', ms: 5 } })).to.deep.equal({ FAILURE_RATE: '0.5', FAILURE_STATUS: '503', LATENCY: 'fixed:5ms' });
    const plan = await testPlan();
    const [deployment] = withBehaviour(workloadObjects(plan).filter((o) => o.kind === 'Deployment'), plan.workloads, { appflaky: { failureRate: 0.1 } });
    const env = (deployment.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }).template.spec.containers[0].env;
    expect(env.find((e) => e.name === 'FAILURE_RATE')?.value).to.equal('0.1');
    expect(env.find((e) => e.name === 'FAILURE_STATUS')?.value).to.equal('500');
  });

  it('finds the external address: LoadBalancer IP or hostname, else a NodePort on a node address', () => {
    const service = (spec: V1Service['spec'], ingress?: { ip?: string; hostname?: string }): V1Service => ({ spec, status: { loadBalancer: { ingress: ingress ? [ingress] : [] } } });
    const ports = [{ port: 80, nodePort: 31080 }];
    expect(serviceBaseUrl(service({ type: 'LoadBalancer', ports }, { ip: '20.1.2.3' }), 80)).to.equal('http://20.1.2.3:80');
    expect(serviceBaseUrl(service({ type: 'LoadBalancer', ports }, { hostname: 'a1.elb.amazonaws.com' }), 80)).to.equal('http://a1.elb.amazonaws.com:80');
    expect(serviceBaseUrl(service({ type: 'LoadBalancer', ports }, { ip: '2001:db8::1' }), 80)).to.equal('http://[2001:db8::1]:80');
    expect(serviceBaseUrl(service({ type: 'LoadBalancer', ports }), 80)).to.equal(undefined);
    const nodes = [{ status: { addresses: [{ type: 'InternalIP', address: '10.0.0.4' }] } }, { status: { addresses: [{ type: 'ExternalIP', address: '52.1.1.1' }] } }];
    expect(serviceBaseUrl(service({ type: 'NodePort', ports }), 80, nodes)).to.equal('http://52.1.1.1:31080');
    const companion = companionLoadBalancer({ metadata: { name: 'appflaky', namespace: 'retryns' }, spec: { selector: { app: 'appflaky' }, ports: [{ name: 'http', port: 80, targetPort: 5000 }] } });
    expect(companion).to.deep.include({ kind: 'Service', spec: { type: 'LoadBalancer', selector: { app: 'appflaky' }, ports: [{ name: 'http', port: 80, targetPort: 5000, protocol: undefined }] } });
    expect(companion.metadata.name).to.equal('appflaky-bench-lb');
  });

  it('moves a plan to another namespace: objects, service hosts, gateway references and the URL', async () => {
    const moved = withNamespace(await testPlan(), 'bench-7');
    expect(moved.scenario.url).to.equal('http://appflaky.bench-7.svc.cluster.local/unstable-endpoint');
    const vs = moved.stages.find((s) => s.name === 'retries-5xx')!.config.virtualServices[0];
    expect(vs.metadata.namespace).to.equal('bench-7');
    expect(vs.spec.hosts).to.deep.equal(['appflaky.bench-7.svc.cluster.local']);
    expect(moved.workloads[0].namespace).to.equal('bench-7');
    expect(moved.workloads[0].objects.every((o) => (o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace) === 'bench-7')).to.equal(true);
  });
});

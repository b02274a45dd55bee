/**
 * The mesh's pure policy pieces, checked without sockets: retry policy resolution and
 * decisions (mesh-semantics §1), fault decisions (§3), PeerAuthentication precedence (§6),
 * durations and seeded randomness.
 */
import { expect } from 'chai';
import { durationMs } from '../../harness/mesh/control-plane/duration.ts';
import { decideAbort, decideDelay } from '../../harness/mesh/proxies/fault-injection.ts';
import { RoundRobin } from '../../harness/mesh/proxies/load-balancer.ts';
import { resolveMtlsMode } from '../../harness/mesh/control-plane/peer-authentication.ts';
import { createRandom, streamFor } from '../../harness/mesh/shared/random.ts';
import { backoffMs, isRetriable, resolveRetryPolicy } from '../../harness/mesh/control-plane/retry-policy.ts';
import { peerAuthentication } from './helpers.ts';

describe('retry policy (mesh-semantics §1)', () => {
  it('no retries field: Istio default (2 retries, default retryOn); [1.24+] no status codes, [1.22] 503', () => {
    const current = resolveRetryPolicy(undefined, 'istio-1.24+')!;
    expect(current.numRetries).to.equal(2);
    expect([...current.retryOn].sort()).to.deep.equal(['cancelled', 'connect-failure', 'refused-stream', 'retriable-status-codes', 'unavailable']);
    expect(current.retriableStatusCodes).to.deep.equal([]);
    expect(resolveRetryPolicy(undefined, 'istio-1.22')!.retriableStatusCodes).to.deep.equal([503]);
  });

  it('retries without retryOn override only attempts and perTryTimeout', () => {
    const policy = resolveRetryPolicy({ attempts: 10, perTryTimeout: '5ms' }, 'istio-1.24+')!;
    expect(policy.numRetries).to.equal(10);
    expect(policy.perTryTimeoutMs).to.equal(5);
    expect(isRetriable(policy, { kind: 'response', status: 500 })).to.equal(false);
    expect(isRetriable(policy, { kind: 'per-try-timeout' })).to.equal(false);
    expect(isRetriable(policy, { kind: 'connect-failure', reason: 'x' })).to.equal(true);
  });

  it('attempts 0 means no retry policy at all', () => {
    expect(resolveRetryPolicy({ attempts: 0 }, 'istio-1.24+')).to.equal(undefined);
  });

  it('numeric retryOn tokens become retriable status codes and add retriable-status-codes', () => {
    const policy = resolveRetryPolicy({ attempts: 1, retryOn: '503, 5xx' }, 'istio-1.24+')!;
    expect([...policy.retryOn]).to.have.members(['5xx', 'retriable-status-codes']);
    expect(policy.retriableStatusCodes).to.deep.equal([503]);
  });

  it('retries without attempts disable the policy, as Istio does (attempts 0 in the proto)', () => {
    expect(resolveRetryPolicy({ retryOn: '5xx' }, 'istio-1.24+')).to.equal(undefined);
  });

  it('conditions fire as the table says', () => {
    const on = (retryOn: string) => resolveRetryPolicy({ attempts: 1, retryOn }, 'istio-1.24+')!;
    expect(isRetriable(on('5xx'), { kind: 'response', status: 500 })).to.equal(true);
    expect(isRetriable(on('5xx'), { kind: 'reset', beforeRequest: false, reason: '' })).to.equal(true);
    expect(isRetriable(on('gateway-error'), { kind: 'response', status: 500 })).to.equal(false);
    expect(isRetriable(on('gateway-error'), { kind: 'response', status: 502 })).to.equal(true);
    expect(isRetriable(on('reset'), { kind: 'response', status: 503 })).to.equal(false);
    expect(isRetriable(on('reset'), { kind: 'per-try-timeout' })).to.equal(true);
    expect(isRetriable(on('connect-failure'), { kind: 'reset', beforeRequest: false, reason: '' })).to.equal(false);
    expect(isRetriable(on('reset-before-request'), { kind: 'reset', beforeRequest: true, reason: '' })).to.equal(true);
    expect(isRetriable(on('reset-before-request'), { kind: 'reset', beforeRequest: false, reason: '' })).to.equal(false);
    expect(isRetriable(on('retriable-4xx'), { kind: 'response', status: 409 })).to.equal(true);
    expect(isRetriable(on('retriable-4xx'), { kind: 'response', status: 429 })).to.equal(false);
    expect(isRetriable(on('unavailable'), { kind: 'response', status: 200, grpcStatus: 14 })).to.equal(true);
    expect(isRetriable(on('retriable-status-codes'), { kind: 'response', status: 418, requestRetriableCodes: [418] })).to.equal(true);
  });

  it('a per-try timeout not shorter than the route timeout is dropped', () => {
    expect(resolveRetryPolicy({ attempts: 2, perTryTimeout: '2s' }, 'istio-1.24+', 1000)!.perTryTimeoutMs).to.equal(undefined);
    expect(resolveRetryPolicy({ attempts: 2, perTryTimeout: '500ms' }, 'istio-1.24+', 1000)!.perTryTimeoutMs).to.equal(500);
  });

  it('back-off is uniform in [0, min(2^(k-1) × 25 ms, 250 ms)); retries.backoff replaces the base', () => {
    const policy = resolveRetryPolicy({ attempts: 10, retryOn: '5xx' }, 'istio-1.24+')!;
    const random = createRandom(1);
    for (let k = 1; k <= 8; k++) {
      for (let i = 0; i < 50; i++) expect(backoffMs(policy, k, random)).to.be.at.least(0).and.below(Math.min(2 ** (k - 1) * 25, 250));
    }
    expect(resolveRetryPolicy({ attempts: 1, backoff: '100ms' }, 'istio-1.24+')!.backoffMaxMs).to.equal(1000);
  });
});

describe('fault decisions (mesh-semantics §3)', () => {
  it('a missing percentage means 0 %; legacy delay.percent counts only without percentage', () => {
    const random = createRandom(2);
    for (let i = 0; i < 100; i++) {
      expect(decideDelay({ delay: { fixedDelay: '1s' } }, random)).to.equal(0);
      expect(decideAbort({ abort: { httpStatus: 503 } }, random)).to.equal(undefined);
      expect(decideDelay({ delay: { fixedDelay: '1s', percent: 100 } }, random)).to.equal(1000);
      expect(decideDelay({ delay: { fixedDelay: '1s', percent: 100, percentage: { value: 0 } } }, random)).to.equal(0);
    }
  });

  it('percentage.value is a percentage (statistical: 1000 draws at 30 %, interval [0.22, 0.38] ≈ ±5 sd)', () => {
    const random = createRandom(3);
    let aborted = 0;
    for (let i = 0; i < 1000; i++) if (decideAbort({ abort: { httpStatus: 500, percentage: { value: 30 } } }, random) === 500) aborted++;
    expect(aborted / 1000).to.be.within(0.22, 0.38);
  });
});

describe('PeerAuthentication precedence (mesh-semantics §6)', () => {
  const target = { namespace: 'retryns', labels: { app: 'appflaky' }, port: 5000 };

  it('nothing at all is PERMISSIVE', () => {
    expect(resolveMtlsMode([], target)).to.equal('PERMISSIVE');
  });

  it('workload selector > namespace > mesh-wide root namespace; UNSET inherits', () => {
    const mesh = peerAuthentication({ mtls: { mode: 'STRICT' } }, 'default', 'istio-system');
    const ns = peerAuthentication({ mtls: { mode: 'DISABLE' } });
    const workload = peerAuthentication({ selector: { matchLabels: { app: 'appflaky' } }, mtls: { mode: 'PERMISSIVE' } }, 'wl');
    const unset = peerAuthentication({ selector: { matchLabels: { app: 'appflaky' } }, mtls: { mode: 'UNSET' } }, 'wl');
    expect(resolveMtlsMode([mesh], target)).to.equal('STRICT');
    expect(resolveMtlsMode([mesh, ns], target)).to.equal('DISABLE');
    expect(resolveMtlsMode([mesh, ns, workload], target)).to.equal('PERMISSIVE');
    expect(resolveMtlsMode([mesh, unset], target)).to.equal('STRICT');
  });

  it('a selector for other pods does not apply; portLevelMtls keys are container ports', () => {
    const other = peerAuthentication({ selector: { matchLabels: { app: 'other' } }, mtls: { mode: 'STRICT' } }, 'other');
    expect(resolveMtlsMode([other], target)).to.equal('PERMISSIVE');
    const ports = peerAuthentication({ selector: { matchLabels: { app: 'appflaky' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '5000': { mode: 'DISABLE' } } }, 'ports');
    expect(resolveMtlsMode([ports], target)).to.equal('DISABLE');
    expect(resolveMtlsMode([ports], { ...target, port: 8080 })).to.equal('STRICT');
  });

  it('within one scope the oldest (first in configuration order) wins; other namespaces never apply', () => {
    const older = peerAuthentication({ mtls: { mode: 'STRICT' } }, 'a');
    const newer = peerAuthentication({ mtls: { mode: 'PERMISSIVE' } }, 'b');
    expect(resolveMtlsMode([older, newer], target)).to.equal('STRICT');
    expect(resolveMtlsMode([peerAuthentication({ mtls: { mode: 'STRICT' } }, 'default', 'elsewhere')], target)).to.equal('PERMISSIVE');
  });
});

describe('durations, randomness and host choice', () => {
  it('parses Istio durations', () => {
    expect(durationMs('5ms')).to.equal(5);
    expect(durationMs('1.5s')).to.equal(1500);
    expect(durationMs('1m30s')).to.equal(90_000);
    expect(durationMs('0')).to.equal(0);
    expect(() => durationMs('5 apples')).to.throw(/not a duration/);
  });

  it('streams are reproducible per label and independent of each other', () => {
    const a = streamFor(42, 'appflaky-0.retryns/app');
    const b = streamFor(42, 'appflaky-0.retryns/app');
    const c = streamFor(42, 'appflaky-1.retryns/app');
    const seqA = Array.from({ length: 5 }, a);
    expect(seqA).to.deep.equal(Array.from({ length: 5 }, b));
    expect(seqA).to.not.deep.equal(Array.from({ length: 5 }, c));
  });

  it('round robin avoids previously tried hosts while another exists (previous_hosts)', () => {
    const rr = new RoundRobin<string>();
    expect([rr.pick(['a', 'b', 'c'], new Set()), rr.pick(['a', 'b', 'c'], new Set()), rr.pick(['a', 'b', 'c'], new Set())]).to.deep.equal(['a', 'b', 'c']);
    expect(rr.pick(['a', 'b'], new Set(['a']))).to.equal('b');
    expect(rr.pick(['a', 'b'], new Set(['b']))).to.equal('a');
    expect(rr.pick(['a'], new Set(['a']))).to.equal('a');
  });
});

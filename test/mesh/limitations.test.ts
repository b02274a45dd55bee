/**
 * What the local mesh says it cannot reproduce (harness/mesh/control-plane/limitations.ts), for the
 * configurations where its own costs change the outcome.
 */
import { expect } from 'chai';
import { meshLimitations } from '../../harness/mesh/control-plane/limitations.ts';
import { appRoute, config, destinationRule, workload } from './helpers.ts';

const options = { workloads: [workload()] };

describe('mesh limitations', () => {
  it('warns about reconnect storms for a retried per-try timeout of a few milliseconds', () => {
    const lines = meshLimitations(options, config({ virtualServices: [appRoute({ retries: { attempts: 10, perTryTimeout: '5ms', retryOn: '5xx' } })] }));
    const storm = lines.find((line) => line.startsWith('perTryTimeout 5 ms with retries'));
    expect(storm).to.be.a('string');
    expect(storm).to.contain('new mutual-TLS');
    expect(storm).to.contain('free core');
    expect(lines.some((line) => line.startsWith('threads: single'))).to.equal(false);
  });

  it('adds that one event loop (threads: single) collapses under such a lab', () => {
    const lines = meshLimitations({ ...options, threads: 'single' }, config({ virtualServices: [appRoute({ retries: { attempts: 10, perTryTimeout: '5ms', retryOn: '5xx' } })] }));
    expect(lines.some((line) => line.startsWith('threads: single') && line.includes('reconnect storm'))).to.equal(true);
  });

  it('says nothing about reconnect storms for longer per-try timeouts or without retries', () => {
    const longer = meshLimitations(options, config({ virtualServices: [appRoute({ retries: { attempts: 3, perTryTimeout: '50ms', retryOn: '5xx' } })] }));
    const noRetries = meshLimitations(options, config({ virtualServices: [appRoute({ retries: { attempts: 0, perTryTimeout: '5ms' } })] }));
    for (const lines of [longer, noRetries]) expect(lines.some((line) => line.startsWith('perTryTimeout'))).to.equal(false);
  });

  it('says that consistent hashing and PASSTHROUGH run as least request, and only then', () => {
    const hashed = meshLimitations(options, config({ destinationRules: [destinationRule({ host: 'appflaky', trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } } as never })] }));
    const passthrough = meshLimitations(options, config({ destinationRules: [destinationRule({ host: 'appflaky', subsets: [{ name: 'v1', labels: {}, trafficPolicy: { loadBalancer: { simple: 'PASSTHROUGH' } } as never }] })] }));
    const roundRobin = meshLimitations(options, config({ destinationRules: [destinationRule({ host: 'appflaky', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } as never })] }));
    for (const lines of [hashed, passthrough]) expect(lines.some((line) => line.startsWith('loadBalancer consistentHash and PASSTHROUGH run as LEAST_REQUEST'))).to.equal(true);
    expect(roundRobin.some((line) => line.startsWith('loadBalancer'))).to.equal(false);
  });
});

/**
 * `--target` and its options, checked before anything starts: each mistake a usage error
 * with a fix, and a cluster's options refused for the local mesh instead of ignored.
 */
import { expect } from 'chai';
import { parseTargetChoice } from '../../harness/cli/target-choice.ts';
import { refusalOf } from '../fixtures/user-errors.ts';

const refusal = (values: Record<string, unknown>) => refusalOf(() => parseTargetChoice(values));

describe('--target and its options', () => {
  it('refuses an unknown target, naming the known ones', () => {
    const error = refusal({ target: 'aks' });
    expect(error.code).to.equal('TARGET_UNSUPPORTED');
    expect(error.fix).to.equal('use --target local or kubernetes');
  });

  it('refuses a cluster option on the local mesh rather than ignoring it', () => {
    for (const [name, value] of [['context', 'prod'], ['settle', '5s'], ['keep', true], ['app-image', 'x/y:1']] as const) {
      const error = refusal({ target: 'local', [name]: value });
      expect(error.code).to.equal('USAGE');
      expect(error.message).to.equal(`--${name} only applies to --target kubernetes`);
    }
  });

  it('reads --settle as a duration from 0s to 10m', () => {
    expect(parseTargetChoice({ target: 'kubernetes', settle: '2s' }).settleMs).to.equal(2_000);
    expect(parseTargetChoice({ target: 'kubernetes', settle: '0s' }).settleMs).to.equal(0);
    expect(parseTargetChoice({ target: 'kubernetes' }).settleMs).to.equal(undefined);
    for (const settle of ['abc', '-1s', '11m', '']) {
      const error = refusal({ target: 'kubernetes', settle });
      expect(error.code, settle).to.equal('USAGE');
      expect(error.message).to.equal(`--settle must be a duration from 0s to 10m, got "${settle}"`);
    }
  });

  it('checks the external URL and the namespace name', () => {
    expect(refusal({ target: 'kubernetes', 'external-url': '20.1.2.3' }).message).to.include('is not an http(s) URL');
    expect(refusal({ target: 'kubernetes', namespace: 'Bench_NS' }).message).to.include('is not a valid namespace name');
    expect(parseTargetChoice({ target: 'kubernetes', namespace: 'bench-retries', 'external-url': 'http://20.1.2.3:80' })).to.include({ namespace: 'bench-retries', externalUrl: 'http://20.1.2.3:80' });
  });
});

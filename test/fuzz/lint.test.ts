/**
 * `bench lint` never crashes on a broken plan or manifest: a thousand seeded mutations of
 * the shipped plans and their manifests, each a clean accept or user errors naming a file.
 * `npm run fuzz -- --seed N --count M` runs other seeds and longer runs.
 */
import { expect } from 'chai';
import { fuzzLint } from './fuzz-lint.ts';

describe('fuzz: bench lint on mutated plans and manifests', function () {
  this.timeout(120_000);

  it('1000 mutations (seed 1): every one accepted or rejected as a user error', async () => {
    const result = await fuzzLint({ seed: 1, count: 1000 });
    expect(result.cases).to.equal(1000);
    expect(result.failures.slice(0, 5), JSON.stringify(result.failures.slice(0, 5), null, 2)).to.deep.equal([]);
    // Both outcomes occur, so the mutations neither all miss nor all break the YAML.
    expect(result.accepted).to.be.above(50);
    expect(result.rejected).to.be.above(50);
  });
});

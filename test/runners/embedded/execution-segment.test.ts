/**
 * Execution segments split as k6 splits them: stripes from k6's own TestGetStripedOffsets
 * cases and the ScaleInt64 table in lib/execution_segment.go, then whole runs whose
 * segments add up to the unsplit run's iterations exactly.
 */
import { expect } from 'chai';
import { executionTuple, owns, scaleInt, scaleSharedIterations } from '../../../harness/runners/embedded/execution-segment.ts';
import { runScript, useScriptFixture, values } from './helpers.ts';

const FOUR = '0,1/4,1/2,3/4,1';
const QUARTERS = ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'];

describe('execution segments', function () {
  this.timeout(20_000);

  describe('striping, as k6 computes it', () => {
    const cases: Array<[string, string, number[]]> = [
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0:0.3', [0, 4, 7]],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.3:0.5', [1, 5]],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.5:0.6', [2]],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.6:0.7', [3]],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.8:0.9', [8]],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.9:1', [9]],
      ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', '0:0.2', [1, 5]],
      ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', '0.6:0.7', [3]],
      ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', '0.9:1', [9]],
    ];
    for (const [sequence, segment, stripes] of cases) {
      it(`${segment} in ${sequence} owns ${stripes.join(',')} of every 10`, () => {
        const tuple = executionTuple(segment, sequence);
        expect(tuple?.lcd).to.equal(10);
        expect(Array.from({ length: 10 }, (_, i) => i).filter((i) => owns(tuple, i))).to.deep.equal(stripes);
      });
    }

    it("scales whole numbers like the table in k6's ExecutionTuple comment", () => {
      const sequence = '0,1/2,3/4,1';
      const scaled = (segment: string) => Array.from({ length: 12 }, (_, i) => scaleInt(executionTuple(segment, sequence), i + 1));
      expect(scaled('0:1/2')).to.deep.equal([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
      expect(scaled('1/2:3/4')).to.deep.equal([0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]);
      expect(scaled('3/4:1')).to.deep.equal([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
    });

    it('without a sequence, the segment is filled around (0:from, from:to, to:1)', () => {
      const tuple = executionTuple('25%:0.5');
      expect(tuple?.parts.length).to.equal(3);
      expect(scaleInt(tuple, 100)).to.equal(25);
    });

    it('every part of a sequence takes its share and the shares add up, for any value', () => {
      for (const sequence of [FOUR, '0,1/3,5/8,1', '0,0.1,0.35,0.4,1']) {
        const points = sequence.split(',');
        const segments = points.slice(1).map((to, i) => `${points[i]}:${to}`);
        for (let value = 0; value < 60; value++) {
          const tuples = segments.map((s) => executionTuple(s, sequence));
          expect(tuples.reduce((sum, t) => sum + scaleInt(t, value), 0), `${sequence} × ${value}`).to.equal(value);
          for (let vus = 1; vus <= 7; vus++) {
            const iterations = Math.max(vus, value);
            expect(tuples.reduce((sum, t) => sum + scaleSharedIterations(t, vus, iterations), 0), `${sequence} ${vus} VUs`).to.equal(iterations);
          }
          expect(tuples.filter((t) => owns(t, value)).length).to.equal(1);
        }
      }
    });

    it('refuses a segment that is not part of the sequence, and malformed text', () => {
      expect(() => executionTuple('0:0.2', '0,0.3,1')).to.throw(/not part of the sequence/);
      expect(() => executionTuple('1/2:1/4')).to.throw(/empty/);
      expect(() => executionTuple('abc')).to.throw(/not a fraction/);
      expect(() => executionTuple(undefined, '0,1/2,1/4,1')).to.throw(/increasing/);
    });
  });

  describe('runs', () => {
    const fixture = useScriptFixture();
    const script = (scenario: object) =>
      fixture.dir.script(`export const options = ${JSON.stringify({ scenarios: { s: scenario } })};
export default function () {}
export function handleSummary() { return {}; }`);

    const iterationsOf = async (path: string, executionSegment?: string) => {
      const result = await runScript(path, executionSegment ? { executionSegment, executionSegmentSequence: FOUR } : {});
      expect(result.outcome, result.detail).to.equal('ok');
      return result.summary?.metrics.iterations ? values(result, 'iterations').count : 0;
    };

    it('four quarters of a constant-arrival-rate run start exactly the unsplit run\'s iterations', async () => {
      const path = script({ executor: 'constant-arrival-rate', rate: 30, timeUnit: '1s', duration: '1s', preAllocatedVUs: 3, maxVUs: 6 });
      // Started: run, or dropped for want of a free VU.
      const startedOf = async (executionSegment?: string) => {
        const result = await runScript(path, executionSegment ? { executionSegment, executionSegmentSequence: FOUR } : {});
        expect(result.outcome, result.detail).to.equal('ok');
        const count = (metric: string) => (result.summary?.metrics[metric] ? values(result, metric).count : 0);
        return { started: count('iterations') + count('dropped_iterations'), dropped: count('dropped_iterations') };
      };
      const whole = await startedOf();
      const parts = await Promise.all(QUARTERS.map((s) => startedOf(s)));
      // k6 starts rate × duration + 1 (31) and the stripes of 1/4 give 8, 8, 8, 7.
      expect(whole).to.deep.equal({ started: 31, dropped: 0 });
      expect(parts.map((p) => p.started)).to.deep.equal([8, 8, 8, 7]);
      // The 3 pre-allocated VUs split 1, 1, 1, 0: the fourth quarter's first arrival finds
      // no VU and is dropped while its first VU is initialized, as in k6.
      expect(parts.map((p) => p.dropped)).to.deep.equal([0, 0, 0, 1]);
    });

    it('shared-iterations and per-vu-iterations split VUs and iterations as k6 does', async () => {
      const shared = script({ executor: 'shared-iterations', vus: 3, iterations: 10 });
      const sharedParts = await Promise.all(QUARTERS.map((s) => iterationsOf(shared, s)));
      expect(sharedParts.reduce((a, b) => a + b, 0)).to.equal(10);
      expect(sharedParts[3]).to.equal(0); // the fourth quarter gets none of 3 VUs, hence no iterations
      const perVu = script({ executor: 'per-vu-iterations', vus: 6, iterations: 2 });
      const perVuParts = await Promise.all(QUARTERS.map((s) => iterationsOf(perVu, s)));
      expect(perVuParts).to.deep.equal([4, 4, 2, 2]);
    });
  });
});

/**
 * `npm run fuzz -- --seed N --count M`: the lint fuzz loop for other seeds and longer
 * runs than `npm test` affords. Prints each failure with what reproduces it; exit 1 when
 * there is one.
 */
import { parseArgs } from 'node:util';
import { fuzzLint } from './fuzz-lint.ts';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '2' }, count: { type: 'string', default: '10000' } } });
const seed = Number(values.seed);
const count = Number(values.count);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(count) || count < 1) {
  process.stderr.write('usage: npm run fuzz -- --seed N --count M\n');
  process.exit(2);
}
const started = Date.now();
const result = await fuzzLint({
  seed,
  count,
  onCase: (done) => {
    if (done % 500 === 0) process.stderr.write(`${done}/${count} cases\n`);
  },
});
for (const failure of result.failures) process.stdout.write(`${JSON.stringify(failure)}\n`);
process.stdout.write(
  `seed ${seed}: ${result.cases} cases, ${result.accepted} accepted, ${result.rejected} rejected as user errors, ${result.failures.length} failure(s) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
process.exitCode = result.failures.length > 0 ? 1 : 0;

/**
 * The embedded runtime as its own process, with k6's command line for what a split run
 * needs: `run [--execution-segment S] [--execution-segment-sequence Q] [-e K=V]… <bundle>`.
 * Instances of one split test then run side by side as k6 instances would, each writing
 * its own handleSummary output; the exit code is k6's.
 *
 *   node --import tsx harness/runners/embedded/main.ts run --execution-segment 0:1/4 \
 *     --execution-segment-sequence 0,1/4,1/2,3/4,1 -e SUMMARY_PATH=s1.json dist/scenarios/x.js
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isUserError } from '../../errors/user-error.ts';
import { createEmbeddedRunner } from './embedded-runner.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'execution-segment': { type: 'string' },
    'execution-segment-sequence': { type: 'string' },
    env: { type: 'string', short: 'e', multiple: true },
  },
});

if (positionals[0] !== 'run' || positionals.length !== 2) {
  process.stderr.write('usage: main.ts run [--execution-segment S] [--execution-segment-sequence Q] [-e KEY=VALUE]... <bundle.js>\n');
  process.exit(2);
}
const env: Record<string, string> = {};
for (const pair of values.env ?? []) {
  const at = pair.indexOf('=');
  if (at > 0) env[pair.slice(0, at)] = pair.slice(at + 1);
}
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

try {
  const result = await createEmbeddedRunner({ worker: false }).run({
    bundlePath: resolve(positionals[1]),
    env,
    tags: {},
    summaryPath: env.SUMMARY_PATH ?? resolve('summary.json'),
    executionSegment: values['execution-segment'],
    executionSegmentSequence: values['execution-segment-sequence'],
    signal: controller.signal,
  });
  if (result.detail) process.stderr.write(`${result.outcome}: ${result.detail}\n`);
  process.exitCode = result.exitCode;
} catch (error) {
  process.stderr.write(`${isUserError(error) ? error.message : String(error)}\n`);
  process.exitCode = isUserError(error) ? 104 : 1;
}

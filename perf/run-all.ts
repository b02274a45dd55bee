/**
 * `npm run perf`: every benchmark, one after the other (they would steal each other's
 * cores if run together). Each prints its figures and ratios against a reference measured
 * in the same run and whether it met its target; this only sequences them.
 *
 *   npm run perf                 all of them
 *   npm run perf -- mesh         only those whose file name contains "mesh"
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../harness/util/project-root.ts';

const BENCHMARKS = [
  { file: 'embedded-vs-autocannon.ts', nodeArgs: [] },
  { file: 'embedded-arrival-rate.ts', nodeArgs: [] },
  { file: 'embedded-memory.ts', nodeArgs: ['--expose-gc'] },
  { file: 'mesh-vs-nginx.ts', nodeArgs: [] },
  { file: 'mesh-retries-lab.ts', nodeArgs: [] },
];

const filter = process.argv[2];
const present = new Set(readdirSync(join(projectRoot, 'perf')));
const selected = BENCHMARKS.filter((b) => present.has(b.file) && (!filter || b.file.includes(filter)));
const failures: string[] = [];
for (const bench of selected) {
  process.stdout.write(`\n=== ${bench.file}\n`);
  const result = await execa(process.execPath, [...bench.nodeArgs, '--import', 'tsx', join(projectRoot, 'perf', bench.file)], {
    stdio: 'inherit',
    reject: false,
    cwd: projectRoot,
  });
  if (result.exitCode !== 0) failures.push(`${bench.file} (exit ${result.exitCode})`);
}
process.stdout.write(`\nran ${selected.length} benchmark(s); each says above whether it met its target${failures.length ? `; failed to run: ${failures.join(', ')}` : ''}\n`);
process.exitCode = failures.length ? 1 : 0;

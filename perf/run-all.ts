/**
 * `npm run perf`: every benchmark, one after the other (they would steal each other's
 * cores if run together). Each prints its figures and ratios against a reference measured
 * in the same run, and one TARGET line per target (perf/target-line.ts); this sequences
 * them and lists every TARGET and REFERENCE line again at the end, so one run shows them
 * together.
 * The mesh benchmark needs nginx: .ci/perf installs it where it is missing.
 *
 *   npm run perf                 all of them
 *   npm run perf -- mesh         only those whose file name contains "mesh"
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../harness/util/project-root.ts';
import { REFERENCE_PREFIX, TARGET_PREFIX } from './target-line.ts';

const BENCHMARKS = [
  { file: 'embedded-vs-autocannon.ts', nodeArgs: [] },
  { file: 'embedded-arrival-rate.ts', nodeArgs: [] },
  { file: 'embedded-memory.ts', nodeArgs: ['--expose-gc'] },
  { file: 'mesh-vs-nginx.ts', nodeArgs: [] },
  { file: 'proxy-floor.ts', nodeArgs: [] },
  { file: 'mesh-retries-lab.ts', nodeArgs: [] },
];

const filter = process.argv[2];
const present = new Set(readdirSync(join(projectRoot, 'perf')));
const selected = BENCHMARKS.filter((b) => present.has(b.file) && (!filter || b.file.includes(filter)));
const failures: string[] = [];
const targets: string[] = [];
for (const bench of selected) {
  process.stdout.write(`\n=== ${bench.file}\n`);
  const child = execa(process.execPath, [...bench.nodeArgs, '--import', 'tsx', join(projectRoot, 'perf', bench.file)], {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
    reject: false,
    cwd: projectRoot,
    lines: true,
  });
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  const result = await child;
  targets.push(...(result.stdout as string[]).filter((line) => line.startsWith(TARGET_PREFIX) || line.startsWith(REFERENCE_PREFIX)));
  if (result.exitCode !== 0) failures.push(`${bench.file} (exit ${result.exitCode})`);
}
process.stdout.write(`\n=== targets (and references)\n${targets.map((line) => `${line.startsWith(TARGET_PREFIX) ? line.slice(TARGET_PREFIX.length) : line}\n`).join('')}`);
process.stdout.write(`ran ${selected.length} benchmark(s)${failures.length ? `; failed to run: ${failures.join(', ')}` : ''}\n`);
process.exitCode = failures.length ? 1 : 0;

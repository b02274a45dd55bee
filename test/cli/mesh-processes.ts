/**
 * Mesh processes alive that were started by the bench run tagged with `marker`: the mesh
 * inherits the CLI's environment, so other meshes on the machine are not counted. A mesh
 * runs from its bundle (dist/bundles/mesh-process-<hash>.mjs) or, when that could not be
 * built, from harness/mesh/process/mesh-process.ts.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function meshProcesses(marker: string): number[] {
  let pids: string[] = [];
  try {
    pids = execSync("pgrep -f 'mesh-process(\\.ts|-[0-9a-f]{16}\\.mjs)'", { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return pids
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`BENCH_TEST_MARKER=${marker}`);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

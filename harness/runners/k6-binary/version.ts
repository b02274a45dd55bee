/**
 * Reading and comparing k6 versions. `k6 version` prints the name it was started as, then
 * the version: `k6 v0.49.0 (go1.21.6, linux/amd64)`, but `k6-0.49 v0.49.0 (…)` for a
 * binary saved as `k6-0.49`, and `k6.exe v0.49.0 (…)` on Windows.
 */

export const MIN_K6_VERSION = '0.49.0';

/**
 * "v0.49.0" from `k6 version` output, or undefined when it does not look like k6: a line
 * with a program name, the version, and k6's build details in brackets, which always name
 * the Go toolchain (`go1.21.6`); without the brackets the program name must contain `k6`.
 */
export function parseK6Version(output: string): string | undefined {
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s*(\S+)\s+v(\d+\.\d+\.\d+)(?:[-+][0-9A-Za-z.-]+)?(?:\s+\((.*)\))?\s*$/.exec(line);
    if (!match) continue;
    const [, name, version, details] = match;
    if ((details !== undefined && /\bgo\d/.test(details)) || /k6/i.test(name)) return `v${version}`;
  }
  return undefined;
}

/** Negative when a < b, 0 when equal, positive when a > b ("v" prefixes allowed). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split('.').map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Reading and comparing k6 versions (`k6 version` prints e.g. `k6 v0.49.0 (go1.21.6, linux/amd64)`). */

export const MIN_K6_VERSION = '0.49.0';

/** "v0.49.0" from `k6 version` output, or undefined when it does not look like k6. */
export function parseK6Version(output: string): string | undefined {
  const match = /\bk6\s+v(\d+\.\d+\.\d+)(?:[-+][0-9A-Za-z.-]+)?/.exec(output);
  return match ? `v${match[1]}` : undefined;
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

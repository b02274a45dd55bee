/**
 * "Did you mean …?" for typos in field names, stage names and enum values. Edit distance
 * (case-insensitive) with a threshold that grows with the length of the name, so
 * `retryon` → `retryOn` and `atempts` → `attempts`, but `foo` suggests nothing.
 */

export function closestName(input: string, candidates: readonly string[]): string | undefined {
  // No name is this long: a value pasted by mistake gets no guess (and no quadratic cost).
  if (input.length > 100) return undefined;
  const needle = input.toLowerCase();
  // A unique candidate that starts with what was typed (`retry` → `retries`) is a good guess whatever the distance.
  const prefixed = needle.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(needle)) : [];
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.ceil(needle.length / 3)));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/** One-line fix text: "did you mean `x`?" or the list of valid names. */
export function suggestName(input: string, candidates: readonly string[], what = 'valid names'): string {
  const close = closestName(input, candidates);
  if (close !== undefined) return `did you mean \`${close}\`?`;
  return `${what}: ${candidates.map((c) => `\`${c}\``).join(', ')}`;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

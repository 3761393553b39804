/**
 * The candidate closest to `word`, for a "did you mean" hint, or undefined when none is close
 * enough to be a plausible typo. Distance is Damerau-Levenshtein (optimal string alignment:
 * insert, delete, substitute, swap two neighbours) on lowercased text, so `readonly` finds
 * `readOnly` and `pacakges` finds `packages`. A case-only difference always wins; ties go to the
 * earlier candidate, so callers can pass keys in schema order.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  // Short words tolerate one edit, longer ones a few more; beyond that a hint is noise.
  const threshold = lower.length <= 3 ? 1 : lower.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    if (other === lower) return candidate;
    // Cheap reject: the length difference alone is a lower bound on the distance.
    if (Math.abs(other.length - lower.length) > threshold) continue;
    const d = editDistance(lower, other, threshold);
    // Never suggest a word that would have to be rewritten entirely (`ab` -> `xy`).
    if (d < bestDistance && d <= threshold && d < other.length) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Optimal string alignment distance between `a` and `b`; stops early and returns `limit + 1`
 * once every cell of a row exceeds `limit`, so long unrelated candidates cost little.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const width = b.length + 1;
  let prevPrev = new Array<number>(width).fill(0);
  let prev = Array.from({ length: width }, (_, j) => j);
  let row = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (prevPrev[j - 2] as number) + 1);
      }
      row[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[b.length] as number;
}

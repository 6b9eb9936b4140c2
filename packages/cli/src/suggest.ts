/** Levenshtein distance between two short words. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** ` Did you mean "x"?` when a candidate is within two edits, else the empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const best = [...candidates].sort((a, b) => distance(word, a) - distance(word, b))[0];
  return best !== undefined && distance(word, best) <= 2 ? ` Did you mean "${best}"?` : '';
}

/** Same, for a flag written with its dashes (`--plugn`). */
export function didYouMeanFlag(flag: string, flags: readonly string[]): string {
  return didYouMean(flag, flags.map((f) => `--${f}`));
}

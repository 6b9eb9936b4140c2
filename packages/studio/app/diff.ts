/** A line diff of two texts (longest common subsequence): what a save changes, shown before it. */
export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Flows are small (a 200-node flow is a few thousand lines): the O(n·m) table is fine here.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i++]! });
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ kind: 'removed', text: a[i++]! });
    else out.push({ kind: 'added', text: b[j++]! });
  }
  while (i < a.length) out.push({ kind: 'removed', text: a[i++]! });
  while (j < b.length) out.push({ kind: 'added', text: b[j++]! });
  return out;
}

/** Only the changed lines with two lines of context around each change. */
export function diffHunks(lines: DiffLine[], context = 2): (DiffLine | { kind: 'gap'; text: string })[] {
  const keep = new Set<number>();
  lines.forEach((l, i) => {
    if (l.kind !== 'same') for (let k = i - context; k <= i + context; k++) keep.add(k);
  });
  const out: (DiffLine | { kind: 'gap'; text: string })[] = [];
  let gap = false;
  lines.forEach((l, i) => {
    if (keep.has(i)) {
      out.push(l);
      gap = false;
    } else if (!gap) {
      out.push({ kind: 'gap', text: '…' });
      gap = true;
    }
  });
  return out;
}

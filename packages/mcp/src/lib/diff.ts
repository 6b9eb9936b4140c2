/** One difference between two JSON documents, at a JSON pointer (RFC 6901). */
export interface Change {
  op: 'add' | 'remove' | 'replace';
  pointer: string;
  from?: unknown;
  to?: unknown;
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every difference from `a` to `b`: objects member by member, arrays and scalars as whole values. */
export function jsonChanges(a: unknown, b: unknown, pointer = ''): Change[] {
  if (isObject(a) && isObject(b)) {
    const out: Change[] = [];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const at = `${pointer}/${escape(key)}`;
      if (!(key in b)) out.push({ op: 'remove', pointer: at, from: a[key] });
      else if (!(key in a)) out.push({ op: 'add', pointer: at, to: b[key] });
      else out.push(...jsonChanges(a[key], b[key], at));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ op: 'replace', pointer, from: a, to: b }];
}

/** A flow diff: the nodes added, removed and changed, and every change by pointer. */
export function flowDiff(a: Record<string, unknown>, b: Record<string, unknown>) {
  const nodesA = isObject(a.nodes) ? a.nodes : {};
  const nodesB = isObject(b.nodes) ? b.nodes : {};
  const changes = jsonChanges({ ...a, version: undefined }, { ...b, version: undefined }).filter((c) => c.pointer !== '/$schema');
  const changed = Object.keys(nodesA).filter((id) => id in nodesB && JSON.stringify(nodesA[id]) !== JSON.stringify(nodesB[id]));
  return {
    nodesAdded: Object.keys(nodesB).filter((id) => !(id in nodesA)),
    nodesRemoved: Object.keys(nodesA).filter((id) => !(id in nodesB)),
    nodesChanged: changed,
    changes,
  };
}

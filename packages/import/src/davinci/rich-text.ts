/**
 * DaVinci property values are Slate rich text: `[{"children":[{"text":"…"},{"type":"link","data":"{{local.<node>.payload.output.x}}"}]}]`
 * (as a JSON string or already parsed). They flatten into a literal, or a reference when the
 * value is one link (blank text around it), or a template mixing both.
 */
export type Flat =
  | { kind: 'literal'; value: string }
  | { kind: 'ref'; ref: string; source: string }
  | { kind: 'variable'; name: string; source: string }
  | { kind: 'template'; text: string; refs: string[] };

const LOCAL = /^\{\{\s*local\.([A-Za-z0-9_-]+)\.payload\.output\.([A-Za-z0-9_.]+)\s*\}\}$/;
const GLOBAL_VAR = /^\{\{\s*global\.variables\.([A-Za-z0-9_.-]+)\s*\}\}$/;
const FLOW_VAR = /^\{\{\s*(?:global\.)?flow(?:Instance)?\.variables\.([A-Za-z0-9_.-]+)\s*\}\}$/;

interface Leaf {
  text?: string;
  type?: string;
  data?: string;
  children?: Leaf[];
}

function leaves(nodes: unknown, out: Leaf[], depth = 0): void {
  if (!Array.isArray(nodes) || depth > 10) return;
  for (const n of nodes) {
    if (n === null || typeof n !== 'object') continue;
    const leaf = n as Leaf;
    if (leaf.type === 'link' && typeof leaf.data === 'string') out.push({ type: 'link', data: leaf.data });
    else if (typeof leaf.text === 'string') out.push({ text: leaf.text });
    else if (Array.isArray(leaf.children)) leaves(leaf.children, out, depth + 1);
  }
}

/** The parsed Slate document of a property value, or undefined when it is plain text. */
function slate(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(t);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A reference's Waymark form: node outputs and flow-instance variables are journey state; company/flow variables are `$var`s. */
function refOf(data: string, instanceVariables: ReadonlySet<string>): Flat | undefined {
  const local = LOCAL.exec(data);
  if (local) return { kind: 'ref', ref: `state.${local[2]}`, source: data };
  const g = GLOBAL_VAR.exec(data) ?? FLOW_VAR.exec(data);
  if (g)
    return instanceVariables.has(g[1]!)
      ? { kind: 'ref', ref: `state.${g[1]}`, source: data }
      : { kind: 'variable', name: g[1]!, source: data };
  return undefined;
}

export function flatten(value: unknown, instanceVariables: ReadonlySet<string> = new Set()): Flat {
  if (typeof value === 'number' || typeof value === 'boolean') return { kind: 'literal', value: String(value) };
  const doc = slate(value);
  if (doc === undefined) {
    const s = typeof value === 'string' ? value : '';
    const r = refOf(s.trim(), instanceVariables);
    return r ?? { kind: 'literal', value: s };
  }
  const parts: Leaf[] = [];
  leaves(doc, parts);
  const links = parts.filter((p) => p.type === 'link');
  const text = parts
    .filter((p) => p.type !== 'link')
    .map((p) => p.text ?? '')
    .join('');
  if (links.length === 0) return { kind: 'literal', value: parts.map((p) => p.text ?? '').join('') };
  if (links.length === 1 && text.trim() === '') {
    const r = refOf(links[0]!.data!, instanceVariables);
    if (r) return r;
  }
  return { kind: 'template', text: parts.map((p) => (p.type === 'link' ? p.data : p.text)).join(''), refs: links.map((l) => l.data!) };
}

/** The node ids a value's `{{local.<id>…}}` links name (to find dangling references). */
export function localNodesOf(value: unknown): string[] {
  const doc = slate(value);
  if (!doc) return [];
  const parts: Leaf[] = [];
  leaves(doc, parts);
  return parts.flatMap((p) => (p.type === 'link' ? [LOCAL.exec(p.data ?? '')?.[1]] : [])).filter((x): x is string => x !== undefined);
}

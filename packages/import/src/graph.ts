import { camelOf, UniqueNames } from './names.js';
import type { ImportFormat, ReportNode } from './report.js';

export const FLOW_SCHEMA_URL = 'https://waymark.dev/schema/flow.schema.json';

/** Where an outcome leads, before ids are chosen: another source node, or a terminal. */
export type Target = { source: string } | 'success' | 'failure';

/** One source node after mapping: a Waymark node, or a pass-through that vanishes into an edge. */
export type Draft =
  | {
      kind: 'node';
      sourceId: string;
      /** The wanted node id (from the display name); made unique. */
      name: string;
      type: string;
      config?: Record<string, unknown>;
      description: string;
      outcomes: Record<string, Target>;
      position?: { x: number; y: number };
    }
  | { kind: 'through'; sourceId: string; next: Target };

export interface FlowJson {
  $schema: string;
  id: string;
  version: number;
  description: string;
  start: string;
  nodes: Record<string, { type: string; description: string; config?: Record<string, unknown>; outcomes: Record<string, string> }>;
  layout?: { nodes: Record<string, { x: number; y: number }> };
}

export interface Assembled {
  flow: FlowJson;
  /** source id → node id. */
  ids: Map<string, string>;
  /** Source ids of nodes left out because nothing reaches them. */
  unreachable: string[];
  notes: string[];
}

/**
 * Builds the flow JSON from the drafts: follows pass-throughs, keeps only what the start
 * reaches (the validator refuses unreachable nodes), names nodes from their display names.
 */
export function assemble(input: {
  id: string;
  description: string;
  start: Target;
  drafts: readonly Draft[];
  terminals?: { success?: { x: number; y: number }; failure?: { x: number; y: number } };
}): Assembled {
  const bySource = new Map(input.drafts.map((d) => [d.sourceId, d]));
  const notes: string[] = [];
  const resolve = (target: Target): Target => {
    const seen = new Set<string>();
    let t = target;
    while (typeof t === 'object') {
      const d = bySource.get(t.source);
      if (d === undefined) return 'failure';
      if (d.kind === 'node') return t;
      if (seen.has(t.source)) {
        notes.push(`a loop of dropped nodes through ${t.source} leads nowhere: it goes to failure`);
        return 'failure';
      }
      seen.add(t.source);
      t = d.next;
    }
    return t;
  };
  const start = resolve(input.start);
  // Reachability over the resolved graph.
  const reached = new Set<string>();
  const queue: string[] = typeof start === 'object' ? [start.source] : [];
  while (queue.length > 0) {
    const s = queue.shift()!;
    if (reached.has(s)) continue;
    reached.add(s);
    const d = bySource.get(s);
    if (d?.kind !== 'node') continue;
    for (const t of Object.values(d.outcomes)) {
      const r = resolve(t);
      if (typeof r === 'object' && !reached.has(r.source)) queue.push(r.source);
    }
  }
  const names = new UniqueNames(['success', 'failure', 'error', 'timeout']);
  const ids = new Map<string, string>();
  const kept = input.drafts.filter((d): d is Extract<Draft, { kind: 'node' }> => d.kind === 'node' && reached.has(d.sourceId));
  for (const d of kept) ids.set(d.sourceId, names.take(camelOf(d.name) || 'node'));
  const unreachable = input.drafts.filter((d) => d.kind === 'node' && !reached.has(d.sourceId)).map((d) => d.sourceId);
  const idOf = (t: Target): string => {
    const r = resolve(t);
    return typeof r === 'object' ? ids.get(r.source)! : r;
  };
  const nodes: FlowJson['nodes'] = {};
  const layout: Record<string, { x: number; y: number }> = {};
  for (const d of kept) {
    const id = ids.get(d.sourceId)!;
    const outcomes: Record<string, string> = {};
    for (const [outcome, t] of Object.entries(d.outcomes)) outcomes[outcome] = idOf(t);
    nodes[id] = { type: d.type, description: d.description, ...(d.config !== undefined ? { config: d.config } : {}), outcomes };
    if (d.position && Number.isFinite(d.position.x) && Number.isFinite(d.position.y)) layout[id] = { x: d.position.x, y: d.position.y };
  }
  for (const terminal of ['success', 'failure'] as const) {
    const p = input.terminals?.[terminal];
    if (p && Number.isFinite(p.x) && Number.isFinite(p.y)) layout[terminal] = { x: p.x, y: p.y };
  }
  let startId: string;
  if (typeof start === 'object') startId = ids.get(start.source)!;
  else {
    // A flow whose start leads straight to a terminal: one node that says so.
    startId = 'importedStart';
    nodes[startId] = {
      type: 'decision',
      description: `Imported: the source starts at its ${start} terminal; nothing to do.`,
      config: { rules: [], default: 'next' },
      outcomes: { next: start },
    };
    notes.push(`the source goes straight to ${start}: the flow holds one pass-through decision`);
  }
  const flow: FlowJson = {
    $schema: FLOW_SCHEMA_URL,
    id: input.id,
    version: 1,
    description: input.description,
    start: startId,
    nodes,
    ...(Object.keys(layout).length > 0 ? { layout: { nodes: layout } } : {}),
  };
  return { flow, ids, unreachable, notes };
}

/** The provenance every imported node carries in its description. */
export function provenance(format: ImportFormat, type: string, id: string, displayName?: string, extra?: string): string {
  const label = format === 'aic' ? 'AIC' : 'DaVinci';
  return `Imported from ${label} ${type} "${displayName ?? id}" (source id ${id})${extra ? `. ${extra}` : '.'}`;
}

/** The placeholder draft for a source node, keeping every outcome. */
export function placeholderDraft(args: {
  format: ImportFormat;
  sourceId: string;
  sourceType: string;
  name: string;
  displayName?: string;
  outcomes: Record<string, Target>;
  reason: string;
  suggestion: string;
  position?: { x: number; y: number };
}): Draft {
  const outcomeNames = Object.keys(args.outcomes);
  const outcomes = outcomeNames.length > 0 ? args.outcomes : { outcome: 'failure' as Target };
  return {
    kind: 'node',
    sourceId: args.sourceId,
    name: args.name,
    type: 'import.placeholder',
    description: provenance(args.format, args.sourceType, args.sourceId, args.displayName, 'PLACEHOLDER: replace before use'),
    config: {
      source: { format: args.format, type: args.sourceType.slice(0, 200), id: args.sourceId.slice(0, 200) },
      outcomes: Object.keys(outcomes),
      reason: args.reason.slice(0, 2000),
      suggestion: args.suggestion.slice(0, 2000),
    },
    outcomes,
    ...(args.position ? { position: args.position } : {}),
  };
}

/** Marks report entries of nodes left out as unreachable, and fills the node ids of the others. */
export function finishReport(entries: ReportNode[], assembled: Assembled): void {
  for (const e of entries) {
    if (assembled.unreachable.includes(e.sourceId)) {
      e.status = 'dropped';
      e.reason = `nothing in the flow reaches it (Waymark refuses unreachable nodes); it was: ${e.reason}`;
      delete e.nodeId;
      continue;
    }
    const id = assembled.ids.get(e.sourceId);
    if (id !== undefined && e.nodeId === undefined) e.nodeId = id;
  }
}

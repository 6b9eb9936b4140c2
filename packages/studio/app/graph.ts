/*
 * A flow document → the canvas's nodes and edges: one card per node, the two terminals, one
 * labelled edge per wired outcome (`<node>:<outcome>`). Positions come from the flow's `layout`
 * key when the engineer moved a node, else from the layered layout (layout.ts, top to bottom).
 */
import { Position, type Edge, type Node, type NodeHandle } from '@xyflow/react';
import { layeredLayout } from './layout';
import type { Flow, NodeTypeInfo } from './types';

export const TERMINALS = ['success', 'failure'] as const;
/**
 * The sizes the cards are drawn at (studio.css says the same): the layout and React Flow both use
 * them, so React Flow draws the edges in the first frame instead of measuring every card and its
 * dots first and drawing again. A card that grows (a problem, a trace or funnel line) is measured,
 * and its measured size comes back with its node.
 */
export const CARD = { width: 220, height: 96 };
export const TERMINAL = { width: 120, height: 40 };
const BORDER = 1; // the card's border (studio.css .card)
const DOT = 6; // React Flow's handle: 6 × 6 px, centred on the edge it sits on

/**
 * Where an outcome's dot sits along the bottom of a card: its centre, from the card's inner left
 * edge, in whole pixels. React Flow measures the dots once the cards are on the page; a fraction
 * would come back rounded to the browser's layout unit and every edge of the card drawn again.
 */
export function outcomeLeft(i: number, count: number, width = CARD.width): number {
  return Math.round(((i + 1) * (width - 2 * BORDER)) / (count + 1));
}

/**
 * The handles of a card as React Flow would measure them (top-left corner from the node's, size):
 * the dot on top, the whole-card drop target (`cover`), one dot per outcome at the bottom.
 */
export function stepHandles(outcomes: readonly string[], size: { width: number; height: number }): NodeHandle[] {
  const { width, height } = size;
  return [
    { type: 'target', position: Position.Top, x: width / 2 - DOT / 2, y: BORDER - DOT / 2, width: DOT, height: DOT },
    { type: 'target', id: 'cover', position: Position.Top, x: BORDER, y: BORDER, width: width - 2 * BORDER, height: height - 2 * BORDER },
    ...outcomes.map((o, i) => ({
      type: 'source' as const,
      id: o,
      position: Position.Bottom,
      x: BORDER + outcomeLeft(i, outcomes.length, width) - DOT / 2,
      y: height - BORDER - DOT / 2,
      width: DOT,
      height: DOT,
    })),
  ];
}

/** The handles of a terminal (no border): the dot on top and the whole pill as a drop target. */
export function terminalHandles(size: { width: number; height: number } = TERMINAL): NodeHandle[] {
  return [
    { type: 'target', position: Position.Top, x: size.width / 2 - DOT / 2, y: -DOT / 2, width: DOT, height: DOT },
    { type: 'target', id: 'cover', position: Position.Top, x: 0, y: 0, width: size.width, height: size.height },
  ];
}

/** A `page` card lists its children, one line each (studio.css .card-children li). */
export const PAGE_LINE = 14;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The flow a `flow.run` (subflow) node runs: `{ flow, version? }` from its config. Read from the
 * type name and config alone, so the card is drawn whether or not the server knows the type.
 */
export function subflowOf(node: Flow['nodes'][string]): { flow: string; version?: number } | undefined {
  if (node.type !== 'flow.run' || typeof node.config?.flow !== 'string' || !node.config.flow) return undefined;
  const version = node.config.version;
  return typeof version === 'number' ? { flow: node.config.flow, version } : { flow: node.config.flow };
}

/** The input nodes a `page` node groups (its config's `nodes`: id and type of each, in order). */
export function pageChildrenOf(node: Flow['nodes'][string]): { id: string; type: string }[] | undefined {
  const children = node.config?.nodes;
  if (node.type !== 'page' || !Array.isArray(children)) return undefined;
  return children
    .filter(isRecord)
    .map((c, i) => ({ id: typeof c.id === 'string' ? c.id : `#${i + 1}`, type: typeof c.type === 'string' ? c.type : '(no type)' }));
}

/** The size a node's card is drawn at: a page's grows by a line per child. */
export function cardSize(node: Flow['nodes'][string]): { width: number; height: number } {
  const children = pageChildrenOf(node);
  return children ? { width: CARD.width, height: CARD.height + children.length * PAGE_LINE } : CARD;
}

export interface StepData extends Record<string, unknown> {
  id: string;
  type: string;
  summary: string;
  prompts: boolean;
  start: boolean;
  outcomes: string[];
  unknownType: boolean;
  /** `flow.run`: the flow it runs (and the pinned version). */
  subflow?: { flow: string; version?: number };
  /** `page`: the input nodes it shows together. */
  children?: { id: string; type: string }[];
}
export interface TerminalData extends Record<string, unknown> {
  id: 'success' | 'failure';
}
export type StepNode = Node<StepData, 'step'>;
export type TerminalNode = Node<TerminalData, 'terminal'>;
export type CanvasNode = StepNode | TerminalNode;

/** A short summary of a node's key config: its first few scalar settings. */
export function configSummary(config: Record<string, unknown> | undefined): string {
  if (!config) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (key === 'rules' && Array.isArray(value)) parts.push(`${value.length} rule${value.length === 1 ? '' : 's'}`);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parts.push(`${key}: ${String(value)}`);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) parts.push(`${key}: ${value.join(', ')}`);
    if (parts.length === 3) break;
  }
  return parts.join(' · ');
}

/** The outcomes a node can take: its type's listed ones, then any wired in the flow. */
export function outcomesOf(node: Flow['nodes'][string], info: NodeTypeInfo | undefined): string[] {
  const listed = info?.outcomes ?? [];
  const wired = Object.keys(node.outcomes ?? {});
  return [...new Set([...listed, ...wired])];
}

/** What the automatic layout depends on: the nodes and their wiring, not their positions or config. */
export function structureKey(flow: Flow): string {
  return JSON.stringify(Object.entries(flow.nodes).map(([id, n]) => [id, n.outcomes ?? {}]));
}

/** Lays nodes out top to bottom (layout.ts); answers top-left positions by node id. */
export function autoLayout(flow: Flow): Map<string, { x: number; y: number }> {
  const nodes = [
    ...Object.entries(flow.nodes).map(([id, node]) => ({ id, ...cardSize(node) })),
    ...TERMINALS.map((id) => ({ id, ...TERMINAL })),
  ];
  const edges = Object.entries(flow.nodes).flatMap(([id, node]) =>
    Object.values(node.outcomes ?? {}).map((target) => ({ source: id, target })),
  );
  return layeredLayout(nodes, edges, { nodesep: 40, ranksep: 70, start: flow.start });
}

/** The canvas of a flow: cards, terminals and outcome edges, positioned. */
export function toCanvas(
  flow: Flow,
  types: ReadonlyMap<string, NodeTypeInfo>,
  auto: ReadonlyMap<string, { x: number; y: number }> = autoLayout(flow),
): { nodes: CanvasNode[]; edges: Edge[] } {
  const saved = flow.layout?.nodes ?? {};
  const at = (id: string) => saved[id] ?? auto.get(id) ?? { x: 0, y: 0 };
  const nodes: CanvasNode[] = Object.entries(flow.nodes).map(([id, node]) => {
    const info = types.get(node.type);
    const outcomes = outcomesOf(node, info);
    const size = cardSize(node);
    const subflow = subflowOf(node);
    const children = pageChildrenOf(node);
    return {
      id,
      type: 'step',
      position: at(id),
      measured: { ...size },
      handles: stepHandles(outcomes, size),
      ariaLabel: `node ${id}, type ${node.type}`,
      data: {
        id,
        type: node.type,
        // A subflow's target is drawn on its own line: the summary says the rest (state, input…).
        summary: configSummary(
          subflow ? Object.fromEntries(Object.entries(node.config ?? {}).filter(([k]) => k !== 'flow' && k !== 'version')) : node.config,
        ),
        prompts: (info?.callbacks.length ?? 0) > 0,
        start: flow.start === id,
        outcomes,
        unknownType: info === undefined,
        ...(subflow ? { subflow } : {}),
        ...(children ? { children } : {}),
      },
    };
  });
  for (const t of TERMINALS)
    nodes.push({
      id: t,
      type: 'terminal',
      position: at(t),
      measured: { ...TERMINAL },
      handles: terminalHandles(),
      ariaLabel: `terminal ${t}`,
      data: { id: t },
    });
  const edges: Edge[] = [];
  for (const [id, node] of Object.entries(flow.nodes))
    for (const [outcome, target] of Object.entries(node.outcomes ?? {}))
      edges.push({
        id: `${id}:${outcome}`,
        type: 'outcome',
        source: id,
        sourceHandle: outcome,
        target,
        label: outcome,
        ariaLabel: `outcome ${outcome} of ${id} goes to ${target}`,
        data: { outcome },
      });
  return { nodes, edges };
}

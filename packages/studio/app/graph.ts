/*
 * A flow document → the canvas's nodes and edges: one card per node, the two terminals, one
 * labelled edge per wired outcome (`<node>:<outcome>`). Positions come from the flow's `layout`
 * key when the engineer moved a node, else from dagre (top to bottom). Dagre answers centres;
 * React Flow wants top-left corners, hence the half-size shifts.
 */
import dagre from '@dagrejs/dagre';
import type { Edge, Node } from '@xyflow/react';
import type { Flow, NodeTypeInfo } from './types';

export const TERMINALS = ['success', 'failure'] as const;
export const CARD = { width: 220, height: 96 };
const TERMINAL = { width: 120, height: 40 };

export interface StepData extends Record<string, unknown> {
  id: string;
  type: string;
  summary: string;
  prompts: boolean;
  start: boolean;
  outcomes: string[];
  unknownType: boolean;
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

/** Lays nodes out top to bottom with dagre; answers top-left positions by node id. */
export function autoLayout(flow: Flow): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 70 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of Object.keys(flow.nodes)) g.setNode(id, { ...CARD });
  for (const t of TERMINALS) g.setNode(t, { ...TERMINAL });
  for (const [id, node] of Object.entries(flow.nodes))
    for (const target of Object.values(node.outcomes ?? {})) if (g.hasNode(target)) g.setEdge(id, target);
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    const size = (TERMINALS as readonly string[]).includes(id) ? TERMINAL : CARD;
    positions.set(id, { x: n.x - size.width / 2, y: n.y - size.height / 2 });
  }
  return positions;
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
    return {
      id,
      type: 'step',
      position: at(id),
      ariaLabel: `node ${id}, type ${node.type}`,
      data: {
        id,
        type: node.type,
        summary: configSummary(node.config),
        prompts: (info?.callbacks.length ?? 0) > 0,
        start: flow.start === id,
        outcomes: outcomesOf(node, info),
        unknownType: info === undefined,
      },
    };
  });
  for (const t of TERMINALS) nodes.push({ id: t, type: 'terminal', position: at(t), ariaLabel: `terminal ${t}`, data: { id: t } });
  const edges: Edge[] = [];
  for (const [id, node] of Object.entries(flow.nodes))
    for (const [outcome, target] of Object.entries(node.outcomes ?? {}))
      edges.push({
        id: `${id}:${outcome}`,
        source: id,
        sourceHandle: outcome,
        target,
        label: outcome,
        ariaLabel: `outcome ${outcome} of ${id} goes to ${target}`,
        data: { outcome },
      });
  return { nodes, edges };
}

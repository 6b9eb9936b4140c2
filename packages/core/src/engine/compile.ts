import { typeNamespace, type NodeType } from '@waymark/sdk';
import { setup, type AnyStateMachine } from 'xstate';
import type { Flow } from '../flow.js';
import { isPageType } from '../validate/page.js';
import { compilePage, type CompiledPage } from './page.js';

/** A node of a compiled flow: its type resolved and its config validated and defaulted. */
export interface CompiledNode {
  id: string;
  type: NodeType<unknown>;
  config: unknown;
  /** outcome → next node id or terminal (the flow's wiring). */
  outcomes: Readonly<Record<string, string>>;
  /** The outcomes the type declares for this config (implicit error/timeout excluded). */
  declared: ReadonlySet<string>;
  /** Secret namespace (see typeNamespace). */
  namespace: string;
  timeoutMs: number | undefined;
  /** A `page` node's children, compiled (engine/page.ts runs it); absent for any other node. */
  page?: CompiledPage;
}

/** A flow version compiled once and kept: the xstate machine and the table derived from it. */
export interface CompiledFlow {
  id: string;
  version: number;
  flow: Flow;
  start: string;
  nodes: ReadonlyMap<string, CompiledNode>;
  /** The model of record: one state per node, one event per outcome, two final states. */
  machine: AnyStateMachine;
  /**
   * The hot path: `table[node][outcome]` is the next node, read from `machine` (not from the
   * flow) so that the runtime follows exactly the machine's transitions; tests walk every path
   * both ways to prove it.
   */
  table: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Builds the xstate machine of a validated flow. */
export function buildMachine(flow: Flow): AnyStateMachine {
  const states: Record<string, object> = {};
  for (const [id, node] of Object.entries(flow.nodes)) {
    states[id] = { on: Object.fromEntries(Object.entries(node.outcomes).map(([outcome, target]) => [outcome, { target }])) };
  }
  states.success = { type: 'final' };
  states.failure = { type: 'final' };
  return setup({}).createMachine({ id: flow.id, initial: flow.start, states } as never) as unknown as AnyStateMachine;
}

/** Reads the transition table back out of a machine. */
export function deriveTable(machine: AnyStateMachine): Record<string, Record<string, string>> {
  const table: Record<string, Record<string, string>> = {};
  for (const [key, stateNode] of Object.entries(machine.root.states)) {
    if (stateNode.type === 'final') continue;
    const row: Record<string, string> = {};
    for (const [event, transitions] of Object.entries(stateNode.on)) {
      const target = transitions[0]?.target?.[0]?.key;
      if (target !== undefined) row[event] = target;
    }
    table[key] = row;
  }
  return table;
}

/**
 * Compiles a validated flow: resolves types, keeps the defaulted configs, builds the machine
 * and derives the table. Runs once per flow version.
 */
export function compileFlow(flow: Flow, configs: Record<string, unknown>, resolve: (type: string) => NodeType<unknown>): CompiledFlow {
  const nodes = new Map<string, CompiledNode>();
  for (const [id, node] of Object.entries(flow.nodes)) {
    const type = resolve(node.type);
    const config = configs[id] ?? {};
    const declared = typeof type.outcomes === 'function' ? type.outcomes(config) : type.outcomes;
    const compiled: CompiledNode = {
      id,
      type,
      config,
      outcomes: Object.freeze({ ...node.outcomes }),
      declared: new Set(declared),
      namespace: type.secretNamespace ?? typeNamespace(type.type),
      timeoutMs: flow.limits?.nodeTimeoutMs ?? type.timeoutMs,
    };
    if (isPageType(type)) compiled.page = compilePage(config, resolve, flow.limits?.nodeTimeoutMs);
    nodes.set(id, compiled);
  }
  const machine = buildMachine(flow);
  return { id: flow.id, version: flow.version, flow, start: flow.start, nodes, machine, table: deriveTable(machine) };
}

import { IMPLICIT_OUTCOMES } from '@waymark/sdk';

/** One wired outcome: `target` is a node id, a terminal, or an id that does not exist. */
export interface Edge {
  outcome: string;
  target: string;
}

/** node id → its wired outcomes. Only real (non-reserved) node ids are keys. */
export type Graph = ReadonlyMap<string, readonly Edge[]>;

const implicit: ReadonlySet<string> = new Set(IMPLICIT_OUTCOMES);

/** Every node id reachable from `start` through any outcome (`start` included). */
export function reachableFrom(graph: Graph, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const { target } of graph.get(id) ?? []) {
      if (graph.has(target) && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

/** Strongly connected components (Tarjan), each in discovery order. */
function components(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result: string[][] = [];
  const visit = (id: string): void => {
    index.set(id, index.size);
    low.set(id, index.get(id) ?? 0);
    stack.push(id);
    onStack.add(id);
    for (const { target } of graph.get(id) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(id, Math.min(low.get(id) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(id, Math.min(low.get(id) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== id);
      result.push(component.reverse());
    }
  };
  for (const id of graph.keys()) if (!index.has(id)) visit(id);
  return result;
}

/**
 * Cycles a journey can enter but never leave through a declared outcome: strongly connected
 * components with a loop in them, from which no path of non-implicit outcomes reaches a
 * terminal. An edge to an id that does not exist counts as an exit: it is reported on its own,
 * and counting it would only add noise. Members are listed in `graph` key order.
 */
export function noExitCycles(graph: Graph, isTerminal: (target: string) => boolean): string[][] {
  // Reverse search from every node that leaves the graph through a declared outcome.
  const incoming = new Map<string, string[]>();
  const canExit = new Set<string>();
  for (const [id, edges] of graph) {
    for (const { outcome, target } of edges) {
      if (implicit.has(outcome)) continue;
      if (isTerminal(target) || !graph.has(target)) canExit.add(id);
      else incoming.set(target, [...(incoming.get(target) ?? []), id]);
    }
  }
  const queue = [...canExit];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const from of incoming.get(id) ?? []) {
      if (!canExit.has(from)) {
        canExit.add(from);
        queue.push(from);
      }
    }
  }
  const order = [...graph.keys()];
  return components(graph)
    .filter((c) => c.length > 1 || (graph.get(c[0] ?? '') ?? []).some((e) => e.target === c[0]))
    .filter((c) => c.every((id) => !canExit.has(id)))
    .map((c) => c.sort((a, b) => order.indexOf(a) - order.indexOf(b)))
    .sort((a, b) => order.indexOf(a[0] ?? '') - order.indexOf(b[0] ?? ''));
}

import { FLOW_RUN, TERMINALS, type Flow } from '@waymark/core';

// Words Mermaid's flowchart grammar reads as keywords when used as a node id.
const KEYWORDS = new Set(['end', 'graph', 'flowchart', 'subgraph', 'click', 'call', 'href', 'style', 'class', 'classdef', 'linkstyle', 'direction', 'default']);

function mermaidIds(flow: Flow): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set(Object.keys(flow.nodes));
  for (const id of Object.keys(flow.nodes)) {
    let safe = id;
    if (KEYWORDS.has(id.toLowerCase())) {
      safe = `${id}_node`;
      while (taken.has(safe)) safe += '_';
      taken.add(safe);
    }
    ids.set(id, safe);
  }
  for (const terminal of TERMINALS) ids.set(terminal, terminal);
  return ids;
}

/** A `flow.run` node: Mermaid's subroutine shape, labelled with the flow it runs (and the pinned version). */
function subroutine(mermaidId: string, name: string, config: Flow['nodes'][string]['config']): string {
  const flow = typeof config?.flow === 'string' ? config.flow : '?';
  const version = typeof config?.version === 'number' ? `@${config.version}` : '';
  return `  ${mermaidId}[["${name}<br/>flow.run: ${flow}${version}"]]`;
}

/**
 * Renders a (validated) flow as a Mermaid flowchart: each node labelled with its id and type,
 * each edge with the outcomes that take it (outcomes sharing a target share one edge),
 * `success` and `failure` as stadium-shaped terminals, the start node in bold, a `flow.run` node
 * as a subroutine naming the flow it runs.
 *
 * @example
 * toMermaid(flow); // 'flowchart TD\n  validateToken["validateToken<br/>token.validate"]\n  …'
 */
export function toMermaid(flow: Flow): string {
  const ids = mermaidIds(flow);
  const id = (name: string): string => ids.get(name) ?? name;
  const lines = ['flowchart TD'];
  const edges: string[] = [];
  const usedTerminals = new Set<string>();
  for (const [name, node] of Object.entries(flow.nodes)) {
    lines.push(node.type === FLOW_RUN ? subroutine(id(name), name, node.config) : `  ${id(name)}["${name}<br/>${node.type}"]`);
    const byTarget = new Map<string, string[]>();
    for (const [outcome, target] of Object.entries(node.outcomes)) byTarget.set(target, [...(byTarget.get(target) ?? []), outcome]);
    for (const [target, outcomes] of byTarget) {
      if ((TERMINALS as readonly string[]).includes(target)) usedTerminals.add(target);
      edges.push(`  ${id(name)} -->|${outcomes.join(', ')}| ${id(target)}`);
    }
  }
  for (const terminal of TERMINALS) if (usedTerminals.has(terminal)) lines.push(`  ${terminal}(["${terminal}"])`);
  lines.push(...edges);
  lines.push('  classDef start stroke-width:3px', `  class ${id(flow.start)} start`);
  return lines.join('\n') + '\n';
}

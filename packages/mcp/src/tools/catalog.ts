import { flowSchema } from '@waymark/core';
import { z } from 'zod';
import { text } from '../lib/args.js';
import { defineTool, type ToolSpec } from '../lib/tool.js';

/** One node type as the admin API lists it. */
export interface NodeTypeView {
  type: string;
  version: number;
  description: string;
  config: unknown;
  outcomes: string[] | null;
  outcomesDependOnConfig: boolean;
  implicitOutcomes: string[];
  callbacks: string[];
  pushPhase?: unknown;
  package: string;
  packageVersion: string | null;
}

const detail = () =>
  z
    .enum(['summary', 'full'], { error: 'give "summary" (type, description, outcomes) or "full" (with the config schema and callbacks)' })
    .default('summary')
    .describe('"summary" (the default, cheap): type, description, outcomes. "full": also the config JSON Schema, callbacks and package.');

/** The summary of a node type: what an agent needs to pick one. */
export function summaryOf(t: NodeTypeView) {
  return { type: t.type, description: t.description, outcomes: t.outcomes ?? '(computed from the config)', callbacks: t.callbacks };
}

export const catalogTools: ToolSpec[] = [
  defineTool({
    name: 'list_node_types',
    collection: 'catalog',
    title: 'List node types',
    description:
      'Lists the node types a flow may use on this Waymark server. detail "summary" (default) gives type, description, outcomes and callbacks; "full" adds each config JSON Schema.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: { detail: detail() },
    async run({ detail }, { admin }) {
      const { body } = await admin.get<{ nodeTypes: NodeTypeView[] }>('/node-types');
      return { nodeTypes: detail === 'full' ? body.nodeTypes : body.nodeTypes.map(summaryOf) };
    },
  }),
  defineTool({
    name: 'get_node_type',
    collection: 'catalog',
    title: 'Get a node type',
    description:
      'One node type: description, config JSON Schema (detail "full", the default here), outcomes and the callbacks it may suspend with.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {
      type: text('give a node type, such as "credentials.verify" (list_node_types lists them)').describe(
        'The node type, such as "risk.evaluate".',
      ),
      detail: detail().default('full'),
    },
    async run({ type, detail }, { admin }) {
      const { body } = await admin.get<NodeTypeView>(`/node-types/${encodeURIComponent(type)}`);
      return detail === 'full' ? body : summaryOf(body);
    },
  }),
  defineTool({
    name: 'get_flow_schema',
    collection: 'catalog',
    title: 'Get the flow JSON Schema',
    description:
      'The JSON Schema of a flow document (id, version, description, start, nodes with type, config and outcomes). Node configs are checked against each node type’s own schema.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {},
    run: () => Promise.resolve(flowSchema),
  }),
];

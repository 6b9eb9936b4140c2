import { flowSchema } from '@waymark/core';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AdminClient } from './admin-client.js';
import type { NodeTypeView } from './tools/catalog.js';

/** Markdown for one node type: what an agent reads before configuring it. */
export function nodeTypeDoc(t: NodeTypeView): string {
  return [
    `# ${t.type} (v${t.version}, ${t.package})`,
    '',
    t.description,
    '',
    `Outcomes: ${t.outcomes ? t.outcomes.join(', ') : 'computed from the config'}; also ${t.implicitOutcomes.join(', ')} when wired.`,
    `Callbacks: ${t.callbacks.length > 0 ? t.callbacks.join(', ') : 'none'}.`,
    '',
    '## Config (JSON Schema)',
    '',
    '```json',
    JSON.stringify(t.config ?? {}, null, 2),
    '```',
  ].join('\n');
}

/** `waymark://schema/flow` and `waymark://nodes/{type}`, for hosts that load resources. */
export function registerResources(server: McpServer, admin: () => AdminClient): void {
  server.registerResource(
    'flow-schema',
    'waymark://schema/flow',
    { title: 'Flow JSON Schema', description: 'The JSON Schema of a Waymark flow document.', mimeType: 'application/schema+json' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/schema+json', text: JSON.stringify(flowSchema, null, 2) }] }),
  );
  server.registerResource(
    'node-type',
    new ResourceTemplate('waymark://nodes/{type}', {
      list: async () => {
        const { body } = await admin().get<{ nodeTypes: NodeTypeView[] }>('/node-types');
        return {
          resources: body.nodeTypes.map((t) => ({
            uri: `waymark://nodes/${t.type}`,
            name: t.type,
            description: t.description,
            mimeType: 'text/markdown',
          })),
        };
      },
    }),
    {
      title: 'Node type documentation',
      description: 'What a node type does, its outcomes, callbacks and config schema.',
      mimeType: 'text/markdown',
    },
    async (uri, { type }) => {
      const { body } = await admin().get<NodeTypeView>(`/node-types/${encodeURIComponent(String(type))}`);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: nodeTypeDoc(body) }] };
    },
  );
}

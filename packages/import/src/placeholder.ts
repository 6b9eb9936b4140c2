import { defineNode } from '@waymark/sdk';
import { IMPORT_ERRORS, ImportError } from './errors.js';

const OUTCOME = '^[A-Za-z][A-Za-z0-9_-]*$';

const config = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'outcomes', 'reason'],
  properties: {
    source: {
      type: 'object',
      additionalProperties: false,
      required: ['format', 'type', 'id'],
      description: 'The source node: its export format, node type and id.',
      properties: {
        format: { enum: ['aic', 'davinci'] },
        type: { type: 'string', minLength: 1, maxLength: 200 },
        id: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
    outcomes: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      items: { type: 'string', pattern: OUTCOME, not: { enum: ['error', 'timeout'] } },
      description: "The source node's outcomes, kept so the graph keeps every path.",
    },
    reason: { type: 'string', minLength: 1, maxLength: 2000, description: 'Why the importer could not map the node.' },
    suggestion: { type: 'string', maxLength: 2000, description: 'What to replace it with.' },
  },
} as const;

/**
 * `import.placeholder` — stands where the importer met a source node it cannot map. The flow
 * validates and draws with every outcome of the source node; a journey that reaches it fails
 * with ERR_IMPORT_PLACEHOLDER (the node throws: the journey takes its `error` outcome if wired,
 * else fails with the engine's ERR_NODE_FAILED whose trace reason is ERR_IMPORT_PLACEHOLDER).
 * Replace it with a real node type (`waymark new-node --from-placeholder <flow.json>#<nodeId>`
 * scaffolds one with the same outcomes).
 *
 * @example
 * { "type": "import.placeholder",
 *   "config": { "source": { "format": "aic", "type": "EmailSuspendNode", "id": "…" }, "outcomes": ["outcome"],
 *               "reason": "no e-mail suspension in Waymark", "suggestion": "a custom node" },
 *   "outcomes": { "outcome": "failure" } }
 */
export const importPlaceholder = defineNode({
  type: 'import.placeholder',
  version: 1,
  description: 'Stands for a source node the importer could not map; running it fails the journey (ERR_IMPORT_PLACEHOLDER).',
  config,
  outcomes: (c) => c.outcomes,
  run(_ctx, c) {
    throw new ImportError(
      IMPORT_ERRORS.ERR_IMPORT_PLACEHOLDER,
      `import.placeholder: the imported ${c.source.format} node ${c.source.type} (${c.source.id}) was not mapped: ${c.reason}; replace this node${c.suggestion ? ` (${c.suggestion})` : ''}`,
      { source: c.source },
    );
  },
});

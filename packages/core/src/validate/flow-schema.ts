/**
 * The flow JSON Schema (draft 2020-12): the contract of `flows/*.json`. It is published as
 * `@waymark/core/flow.schema.json` so editors complete flows through their `"$schema"` key.
 *
 * This const is the source of the generic part, what validation checks a flow against (a
 * node's config is then checked by its type, with better messages). The published
 * `packages/core/schema/flow.schema.json` is this const plus each built-in node type's config
 * typed by `type` (`flowSchemaForTypes`), written by `waymark schema`; tests fail when either
 * drifts (regenerate with `WAYMARK_WRITE_SCHEMA=1 npm test -- packages/cli/test/schema`). The
 * JSON is not imported here because core compiles with `rootDir: src`, which a JSON file
 * outside `src` would break.
 *
 * Descriptions double as fix hints: a schema problem's message ends with the description of the
 * schema part that failed, so write them as "what it is, and an example".
 */

export const FLOW_SCHEMA_ID = 'https://waymark.dev/schema/flow.schema.json';

/** Node ids: identifiers such as `validateToken` (they name what a node does). */
export const NODE_ID_PATTERN = '^[A-Za-z][A-Za-z0-9_]*$';
/** Flow ids: kebab-case such as `session-transfer`. */
export const FLOW_ID_PATTERN = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$';
/**
 * Node type names: lower-case, dot-separated (`ip.match`). One segment is allowed because a few
 * built-ins have one (`redirect`, as in DESIGN.md); `defineNode` and plugin loading require a
 * namespace for every other type.
 */
export const NODE_TYPE_PATTERN = '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*$';
/** Outcome names, as `defineNode` requires. */
export const OUTCOME_PATTERN = '^[A-Za-z][A-Za-z0-9_-]*$';

const positiveInteger = { type: 'integer', minimum: 1 } as const;

export const flowSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: FLOW_SCHEMA_ID,
  title: 'Waymark flow',
  description: 'An identity journey: typed nodes joined by named outcomes, from `start` to the terminals `success` and `failure`.',
  type: 'object',
  required: ['id', 'version', 'description', 'start', 'nodes'],
  additionalProperties: false,
  properties: {
    $schema: {
      type: 'string',
      description: 'The URL of this schema, for editor completion: "https://waymark.dev/schema/flow.schema.json".',
    },
    id: {
      type: 'string',
      pattern: FLOW_ID_PATTERN,
      description: 'The flow id, kebab-case, such as "session-transfer".',
    },
    version: {
      ...positiveInteger,
      description: 'The flow version, a positive integer such as 1; journeys stay pinned to the version they started on.',
    },
    description: {
      type: 'string',
      minLength: 1,
      description: 'One or two sentences saying what the journey does, for reviewers and operators.',
    },
    start: {
      type: 'string',
      pattern: NODE_ID_PATTERN,
      description: 'The id of the first node, a key of "nodes" such as "validateToken".',
    },
    timeout: {
      ...positiveInteger,
      description: 'Seconds a suspended journey lives while waiting for the user (its TTL), such as 300.',
    },
    limits: { $ref: '#/$defs/limits' },
    nodes: {
      type: 'object',
      minProperties: 1,
      description: 'The nodes, keyed by id (an identifier such as "validateToken", saying what the node does).',
      propertyNames: {
        pattern: NODE_ID_PATTERN,
        description: 'A node id: a letter then letters, digits or "_", such as "validateToken".',
      },
      additionalProperties: { $ref: '#/$defs/node' },
    },
    layout: {
      type: 'object',
      description:
        'Editor layout, ignored by the engine: "nodes" holds the positions an engineer moved nodes to in the studio, such as { "nodes": { "validateToken": { "x": 40, "y": 120 } } }; other keys (colours, notes) are free.',
      properties: {
        nodes: {
          type: 'object',
          description: 'Canvas positions by node id (or "success" / "failure"): { "validateToken": { "x": 40, "y": 120 } }.',
          propertyNames: {
            pattern: NODE_ID_PATTERN,
            description: 'A node id of this flow, or "success" / "failure".',
          },
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['x', 'y'],
            description: 'A canvas position in pixels, such as { "x": 40, "y": 120 }.',
            properties: {
              x: { type: 'number', description: 'Pixels from the left, such as 40.' },
              y: { type: 'number', description: 'Pixels from the top, such as 120.' },
            },
          },
        },
      },
    },
  },
  $defs: {
    limits: {
      type: 'object',
      additionalProperties: false,
      description: 'Limits of this flow\'s journeys; each has an engine default.',
      properties: {
        maxSteps: { ...positiveInteger, description: 'Most steps a journey may take (loop guard), such as 100.' },
        nodeTimeoutMs: { ...positiveInteger, description: 'Milliseconds a node may run before its `timeout` outcome, such as 5000.' },
        maxPersistedBytes: { ...positiveInteger, description: 'Largest size of a persisted suspended journey in bytes, such as 65536.' },
      },
    },
    node: {
      type: 'object',
      required: ['type', 'outcomes'],
      additionalProperties: false,
      description: 'One step of the flow: { "type", "config", "outcomes" }.',
      properties: {
        type: {
          type: 'string',
          pattern: NODE_TYPE_PATTERN,
          description: 'The registered node type, lower-case and dot-separated, such as "ip.match" or "redirect".',
        },
        version: {
          ...positiveInteger,
          description: 'Pins the node type\'s version (a positive integer); omit it to use whatever is registered.',
        },
        description: { type: 'string', description: 'What this node does in this flow.' },
        config: {
          type: 'object',
          description: 'The node\'s configuration; its node type\'s config schema judges it.',
        },
        outcomes: {
          type: 'object',
          description: 'Where each outcome leads: { "<outcome>": "<node id>" | "success" | "failure" }.',
          propertyNames: {
            pattern: OUTCOME_PATTERN,
            description: 'An outcome name of the node type, such as "valid" (or "error" / "timeout").',
          },
          additionalProperties: {
            type: 'string',
            pattern: NODE_ID_PATTERN,
            description: 'The next node id, or the terminal "success" or "failure".',
          },
        },
      },
    },
  },
} as const;

import { defineNode, WaymarkError, type NodeType } from '@waymark/sdk';
import { FLOW_ID_PATTERN } from '../validate/flow-schema.js';

/** The type name of the subflow node. */
export const FLOW_RUN = 'flow.run';

/** Where an `input` mapping may read in the calling journey (never secrets: mappings are traced config). */
export const SUBFLOW_REF_PATTERN = '^(state|request|params|par|client|journey)(\\.[^.]+)+$';
/** A state path a mapping writes or reads in a journey's state: `user.mail`. */
export const STATE_PATH_PATTERN = '^[^.]+(\\.[^.]+)*$';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['flow'],
  properties: {
    flow: {
      type: 'string',
      pattern: FLOW_ID_PATTERN,
      description: 'the id of the flow to run, such as "mfa-otp"; it must be loaded next to this one',
    },
    version: {
      type: 'integer',
      minimum: 1,
      description: 'pins a version of that flow; omitted: the active version when the call starts (kept until the call ends)',
    },
    state: {
      enum: ['isolated', 'shared'],
      default: 'isolated',
      description:
        '"isolated": the child gets its own state, filled by "input", copied back by "output"; "shared": the child works on this journey\'s state',
    },
    input: {
      type: 'object',
      maxProperties: 64,
      propertyNames: { pattern: STATE_PATH_PATTERN, maxLength: 200 },
      additionalProperties: { type: 'string', pattern: SUBFLOW_REF_PATTERN, maxLength: 200 },
      description:
        'child state path → a ref into this journey (state.x, params.x, request.ip, journey.id …), copied in when the call starts (isolated only)',
    },
    output: {
      type: 'object',
      maxProperties: 64,
      propertyNames: { pattern: STATE_PATH_PATTERN, maxLength: 200 },
      additionalProperties: { type: 'string', pattern: STATE_PATH_PATTERN, maxLength: 200 },
      description: "this journey's state path → a child state path, copied back when the child reaches success or failure (isolated only)",
    },
  },
} as const;

/**
 * `flow.run` — runs another flow inside this journey, as one step: the child's `success` is
 * this node's `success`, its `failure` this node's `failure`; a child node that fails with no
 * `error` / `timeout` wired makes this node's `error` / `timeout`. The engine runs it (it needs
 * the flow library), never `run` below. See `engine/subflow.ts`.
 *
 * @example
 * { "type": "flow.run",
 *   "config": { "flow": "mfa-otp", "input": { "username": "state.username" }, "output": { "mfa": "result" } },
 *   "outcomes": { "success": "done", "failure": "failure" } }
 */
export const flowRun: NodeType<unknown> = defineNode({
  type: FLOW_RUN,
  version: 1,
  description: 'Runs another flow (a pinned version or the active one) inside this journey; its success and failure become outcomes.',
  config: schema,
  outcomes: ['success', 'failure'],
  run() {
    // The engine intercepts flow.run; only a harness that runs one node alone gets here.
    throw new WaymarkError('ERR_SUBFLOW_UNAVAILABLE', 'flow.run runs only inside an engine, which holds the flows it calls', {});
  },
}) as NodeType<unknown>;

/** The node types core itself provides (they need the engine's flow library). */
export const engineNodes: readonly NodeType<unknown>[] = Object.freeze([flowRun]);

/** The config of a `flow.run` node after validation (defaults applied). */
export interface FlowRunConfig {
  flow: string;
  version?: number;
  state: 'isolated' | 'shared';
  input?: Record<string, string>;
  output?: Record<string, string>;
}

/**
 * Codes of the problems flow validation reports (`FlowProblem.code`). A published code is never
 * reused. Every problem carries an RFC 6901 pointer into the flow document; when something is
 * missing, the pointer names the place where it belongs (`/start`, `/nodes/x/outcomes/invalid`),
 * so the fix is "add it there".
 */
export const FLOW_PROBLEM_CODES = {
  /** The document does not match the flow JSON Schema (`flow.schema.json`): wrong type, unknown key, bad id. */
  ERR_FLOW_SCHEMA: 'ERR_FLOW_SCHEMA',
  /** The text is not JSON; the message gives line and column. */
  ERR_FLOW_JSON: 'ERR_FLOW_JSON',
  /** Two nodes share an id (a duplicate key under `nodes`, which JSON.parse would silently drop). */
  ERR_FLOW_DUPLICATE_ID: 'ERR_FLOW_DUPLICATE_ID',
  /** A key appears twice in one object outside `nodes` (the first value would be silently dropped). */
  ERR_FLOW_DUPLICATE_KEY: 'ERR_FLOW_DUPLICATE_KEY',
  /** A node id is `success` or `failure`, the names of the two terminals. */
  ERR_FLOW_RESERVED_ID: 'ERR_FLOW_RESERVED_ID',
  /** `start` is missing, or names no node of the flow. */
  ERR_FLOW_MISSING_START: 'ERR_FLOW_MISSING_START',
  /** A node's `type` is not registered (a typo, or a plugin that is not loaded). */
  ERR_FLOW_UNKNOWN_TYPE: 'ERR_FLOW_UNKNOWN_TYPE',
  /** A node pins a `version` of its type that is not the registered one. */
  ERR_FLOW_NODE_VERSION: 'ERR_FLOW_NODE_VERSION',
  /** A node's `config` does not match its type's config schema. */
  ERR_FLOW_CONFIG: 'ERR_FLOW_CONFIG',
  /** A node type's own config schema does not compile (a bug of the node type, not of the flow). */
  ERR_FLOW_CONFIG_SCHEMA: 'ERR_FLOW_CONFIG_SCHEMA',
  /** A node wires an outcome its type never returns (`error` and `timeout` are always allowed). */
  ERR_FLOW_UNDECLARED_OUTCOME: 'ERR_FLOW_UNDECLARED_OUTCOME',
  /** A node does not wire an outcome its type may return. */
  ERR_FLOW_UNWIRED_OUTCOME: 'ERR_FLOW_UNWIRED_OUTCOME',
  /** An outcome points at a node id that does not exist (and is not `success` / `failure`). */
  ERR_FLOW_UNKNOWN_TARGET: 'ERR_FLOW_UNKNOWN_TARGET',
  /** No path leads from `start` to this node. */
  ERR_FLOW_UNREACHABLE: 'ERR_FLOW_UNREACHABLE',
  /**
   * Nodes that lead only to each other: once a journey enters them, no declared outcome reaches
   * `success` or `failure` (leaving only through `error` / `timeout` does not count).
   */
  ERR_FLOW_NO_EXIT_CYCLE: 'ERR_FLOW_NO_EXIT_CYCLE',
  /**
   * A node's config references a variable (`{ "$var": "issuer" }`) that is not defined where the
   * flow is loaded (the serve config's `variables`, `WAYMARK_VAR_<name>`, `--var name=value`), or
   * names one with a malformed name.
   */
  ERR_FLOW_VARIABLE: 'ERR_FLOW_VARIABLE',
  /**
   * A `flow.run` node calls a flow (or a pinned version of it) that is not loaded next to this
   * one. Checked where the flow is loaded (the engine's flow library); a single file validated
   * alone leaves it to the load.
   */
  ERR_FLOW_SUBFLOW_NOT_FOUND: 'ERR_FLOW_SUBFLOW_NOT_FOUND',
  /** A `flow.run` node leads back to its own flow, directly or through the flows it calls; the message names the cycle. */
  ERR_FLOW_RECURSION: 'ERR_FLOW_RECURSION',
  /**
   * A `page` node's children break a page rule: a child before the last may end in more than
   * one outcome (only the last one's outcomes are the page's), two children share an id, or a
   * child is itself a page.
   */
  ERR_FLOW_PAGE: 'ERR_FLOW_PAGE',
} as const;

export type FlowProblemCode = keyof typeof FLOW_PROBLEM_CODES;

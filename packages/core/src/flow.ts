import type { JsonObject } from '@waymark/sdk';

/** The terminals an outcome may point at instead of a node id. */
export const TERMINALS = ['success', 'failure'] as const;
export type Terminal = (typeof TERMINALS)[number];

/** One step of a flow, as authored. */
export interface FlowNode {
  type: string;
  /** Pins the node type's major version; absent means whatever is registered. */
  version?: number;
  description?: string;
  config?: JsonObject;
  /** outcome → next node id, or `success` / `failure`. */
  outcomes: Record<string, string>;
}

/** Limits a flow may tighten or loosen; each has an engine default (see defaults.ts). */
export interface FlowLimits {
  maxSteps?: number;
  nodeTimeoutMs?: number;
  maxPersistedBytes?: number;
}

/** A flow definition, as authored in `flows/*.json`. */
export interface Flow {
  $schema?: string;
  id: string;
  version: number;
  description: string;
  start: string;
  /** Journey TTL in seconds while suspended. */
  timeout?: number;
  limits?: FlowLimits;
  nodes: Record<string, FlowNode>;
  /** Editor layout; the engine ignores it. */
  layout?: unknown;
}

/** One problem found while loading a flow. */
export interface FlowProblem {
  /** Stable code, e.g. `ERR_FLOW_UNKNOWN_TYPE`. */
  code: string;
  /** RFC 6901 JSON pointer of the offending place in the flow document. */
  pointer: string;
  /** What is wrong and how to fix it, in one or two sentences. */
  message: string;
}

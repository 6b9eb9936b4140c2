/** A flow document as the admin API stores it (packages/core's flow schema). */
export interface FlowNode {
  type: string;
  config?: Record<string, unknown>;
  outcomes?: Record<string, string>;
  [key: string]: unknown;
}
export interface Flow {
  id: string;
  version: number;
  description: string;
  start: string;
  nodes: Record<string, FlowNode>;
  layout?: { nodes?: Record<string, { x: number; y: number }>; [key: string]: unknown };
  [key: string]: unknown;
}
export interface FlowSummary {
  id: string;
  versions: number[] | number;
  activeVersion: number | null;
  latestVersion: number;
  updatedAt?: number;
  updatedBy?: string;
}
export interface FlowVersion {
  id: string;
  version: number;
  flow: Flow;
  active: boolean;
}
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  prefixItems?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
}
export interface NodeTypeInfo {
  type: string;
  description: string;
  config: JsonSchema;
  outcomes: string[] | null;
  outcomesDependOnConfig: boolean;
  callbacks: string[];
}
export interface Problem {
  code: string;
  pointer: string;
  message: string;
}
export interface TraceStep {
  node: string;
  type: string;
  outcome: string;
  ms: number;
  reason?: string;
  code?: string;
}
export interface JourneySummary {
  id: string;
  flowId: string;
  flowVersion: number;
  status: 'live' | 'success' | 'failure';
  sub?: string;
  code?: string;
  reason?: string;
  node?: string;
  startedAt: number;
  steps?: number;
}
export interface Journey extends JourneySummary {
  trace: TraceStep[];
}
export interface Funnel {
  flowId: string;
  journeys: number;
  statuses: { live: number; success: number; failure: number };
  nodes: { node: string; type: string; reached: number; outcomes: Record<string, number>; codes?: Record<string, number> }[];
  truncated: boolean;
}

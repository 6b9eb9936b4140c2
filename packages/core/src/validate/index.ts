export { validateFlow, validateFlowJson, assertValidFlow } from './validate-flow.js';
export type { FlowValidation, ValidFlow } from './validate-flow.js';
export { parseFlowJson } from './parse-json.js';
export type { ParsedFlowJson } from './parse-json.js';
export { FLOW_PROBLEM_CODES } from './codes.js';
export type { FlowProblemCode } from './codes.js';
export { flowSchema, FLOW_SCHEMA_ID } from './flow-schema.js';
export { compileConfigSchema, ConfigInvalidError } from './config-schema.js';
export type { ConfigSchema, ConfigProblem } from './config-schema.js';

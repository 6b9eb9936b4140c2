/**
 * @waymark/core — flow format and validation, compiler, runtime, stores, plugin loading.
 *
 * This entry is the public API (semver). What only Waymark's own packages need (the harness
 * parts `@waymark/testing` runs a node with, the CLI's plugin loader) lives under
 * `@waymark/core/internal`, which carries no semver promise.
 */
export { TERMINALS } from './flow.js';
export type { Flow, FlowNode, FlowLimits, FlowProblem, Terminal } from './flow.js';
export { CORE_ERRORS, FlowInvalidError, StoreUnavailableError, StoreFullError } from './errors.js';
export type { CoreErrorCode } from './errors.js';
export { NodeRegistry } from './registry.js';
export {
  validateFlow,
  validateFlowJson,
  FLOW_PROBLEM_CODES,
  flowSchema,
  FLOW_SCHEMA_ID,
  flowSchemaForTypes,
  compileConfigSchema,
  ConfigInvalidError,
} from './validate/index.js';
export type { ConfigSchema, ConfigProblem } from './validate/index.js';
export type { FlowValidation, ValidFlow, FlowProblemCode, ValidateFlowOptions, FlowVariables } from './validate/index.js';
export { referencedVariables, VARIABLE_NAME } from './validate/index.js';
export { subflowCalls } from './validate/index.js';
export type { SubflowLookup } from './validate/index.js';
// Core's engine-level node types (they need the flow library): `flow.run` runs another flow.
export { engineNodes, flowRun, FLOW_RUN } from './engine/flow-run.js';
export type { FlowRunConfig } from './engine/flow-run.js';
export { createMemoryStores, systemClock, MEMORY_STORE_DEFAULTS, keepsInProcess } from './stores/memory/memory-stores.js';
export type { MemoryStores, MemoryStoresOptions } from './stores/memory/memory-stores.js';
export type {
  TraceStep,
  SubflowTrace,
  StartInput,
  ResumeInput,
  JourneyResult,
  SuspendedResult,
  SuccessResult,
  FailureResult,
  JourneyEvent,
  PushedResult,
  RedeemInput,
  PushInput,
} from './journey.js';
export { Engine, createEngine } from './engine/engine.js';
export type { EngineOptions } from './engine/engine-options.js';
export type { FlowSyncReport } from './engine/engine.js';
export type { LoadActivation } from './engine/flow-library.js';
export type { PendingStep } from './engine/journey-record.js';
export type { CompiledFlow, CompiledNode } from './engine/compile.js';
export { DEFAULT_LIMITS } from './defaults.js';
export type { EngineLimits } from './defaults.js';
export {
  createMemoryControlStores,
  MemoryFlowStore,
  MemoryClientStore,
  MemoryAuditStore,
  MemoryJourneyLogStore,
  QUERY_PAGE,
  queryPageSize,
  matchesAuditQuery,
  matchesJourneyQuery,
} from './stores/memory/control-stores.js';
export type { MemoryControlStoresOptions, MemoryAuditStoreOptions, MemoryJourneyLogOptions } from './stores/memory/control-stores.js';
// Audit: the auditor and its sinks (store, log line, fan-out, a function), and the engine-event listeners that feed the audit trail and the journey log.
export {
  createAuditor,
  auditEventId,
  fanOutAuditSink,
  functionAuditSink,
  storeAuditSink,
  logAuditSink,
  journeyAuditListener,
  journeyLogListener,
} from './audit/index.js';
export type { Auditor, AuditFields, StoreAuditSink, StoreAuditSinkOptions, JourneyLogListenerOptions } from './audit/index.js';
// The one client model: what the adapter and the OpenID Provider both serve (issue 15).
export { loadClients, clientConfigProblems, loadClientRecord } from './clients/load-clients.js';
export { ClientConfigError } from './clients/errors.js';
export type { ClientConfigProblem } from './clients/errors.js';
export { matchRedirectUri, compileRedirectUriPattern, redirectUriProblem } from './clients/redirect-uri.js';
export type { RedirectUriRules } from './clients/redirect-uri.js';
export { corsOriginAllowed } from './clients/cors.js';
export {
  clientConfigSchema,
  CLIENT_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  PKCE_ENFORCEMENTS,
  SIGNING_ALGORITHMS,
  RESPONSE_TYPES,
  GRANT_TYPES,
  CLIENT_LIMITS,
} from './clients/schema.js';
export type {
  Client,
  ClientConfig,
  ClientType,
  TokenEndpointAuthMethod,
  PkceEnforcement,
  SigningAlgorithm,
  ResponseType,
  GrantType,
  CorsPolicy,
  RequestObjectPolicy,
  ClientLogo,
} from './clients/types.js';

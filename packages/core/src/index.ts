/**
 * @waymark/core — flow format and validation, compiler, runtime, stores, plugin loading.
 */
export { TERMINALS } from './flow.js';
export type { Flow, FlowNode, FlowLimits, FlowProblem, Terminal } from './flow.js';
export { CORE_ERRORS, FlowInvalidError, StoreUnavailableError, StoreFullError } from './errors.js';
export type { CoreErrorCode } from './errors.js';
export { NodeRegistry } from './registry.js';
export { validateFlow, validateFlowJson, assertValidFlow, parseFlowJson, FLOW_PROBLEM_CODES, flowSchema, FLOW_SCHEMA_ID, compileConfigSchema, ConfigInvalidError } from './validate/index.js';
export type { ConfigSchema, ConfigProblem } from './validate/index.js';
export type { FlowValidation, ValidFlow, ParsedFlowJson, FlowProblemCode } from './validate/index.js';
export {
  createMemoryStores,
  systemClock,
  MemoryJourneyStore,
  MemoryPushedRequestStore,
  MemorySessionStore,
  MemoryTransactionStore,
  MemoryCounterStore,
  MemoryKeyValueStore,
  MEMORY_STORE_DEFAULTS,
} from './stores/memory/memory-stores.js';
export type { MemoryStores, MemoryStoresOptions, MemoryStoreOptions, MemoryJourneyStoreOptions } from './stores/memory/memory-stores.js';
export { Sweeper } from './stores/memory/ttl-map.js';
export type { TraceStep, StartInput, ResumeInput, JourneyResult, SuspendedResult, SuccessResult, FailureResult, JourneyEvent } from './journey.js';
export { compileNodeConfig } from './node-config.js';
export { createNodeContext } from './engine/context.js';
export type { EffectLog, ContextInput } from './engine/context.js';
export { executeNode, Watchdog } from './engine/execute.js';
export type { Execution } from './engine/execute.js';
export { Engine, createEngine } from './engine/engine.js';
export type { EngineOptions } from './engine/engine.js';
export { compileFlow, buildMachine, deriveTable } from './engine/compile.js';
export type { CompiledFlow, CompiledNode } from './engine/compile.js';
export { Sealer } from './engine/seal.js';
export { DEFAULT_LIMITS } from './defaults.js';
export type { EngineLimits } from './defaults.js';
export { loadPlugin, loadPlugins, SDK_VERSION, RESERVED_NAMESPACES } from './plugins.js';
export type { LoadedPlugin } from './plugins.js';

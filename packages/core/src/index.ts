/**
 * @waymark/core — flow format and validation, compiler, runtime, stores, plugin loading.
 */
export { TERMINALS } from './flow.js';
export type { Flow, FlowNode, FlowLimits, FlowProblem, Terminal } from './flow.js';
export { CORE_ERRORS, FlowInvalidError, StoreUnavailableError } from './errors.js';
export type { CoreErrorCode } from './errors.js';
export { NodeRegistry } from './registry.js';
export {
  createMemoryStores,
  systemClock,
  MemoryJourneyStore,
  MemoryPushedRequestStore,
  MemorySessionStore,
  MemoryTransactionStore,
  MemoryCounterStore,
  MemoryKeyValueStore,
} from './stores/memory/memory-stores.js';
export type { TraceStep, StartInput, ResumeInput, JourneyResult, SuspendedResult, SuccessResult, FailureResult, JourneyEvent } from './journey.js';
export { configValidator, configErrors, compileNodeConfig } from './node-config.js';
export { createNodeContext } from './engine/context.js';
export type { EffectLog, ContextInput } from './engine/context.js';
export { executeNode } from './engine/execute.js';
export type { Execution } from './engine/execute.js';

/**
 * @waymark/core/internal — what Waymark's own packages need of core and users do not: the
 * parts `@waymark/testing` runs one node with, the CLI's plugin loader, and the validation
 * steps core's own tests reach. NO semver promise: anything here may change or go in any
 * release. Third-party code imports `@waymark/core` (or `@waymark/testing`), never this.
 */
export { compileNodeConfig } from './validate/node-config.js';
export { createNodeContext } from './engine/context.js';
export type { EffectLog, ContextInput } from './engine/context.js';
export { executeNode, Watchdog } from './engine/execute.js';
export type { Execution } from './engine/execute.js';
export { loadPlugins, RESERVED_NAMESPACES } from './plugins.js';
export type { LoadedPlugin } from './plugins.js';
export { assertValidFlow, parseFlowJson } from './validate/index.js';
export type { ParsedFlowJson } from './validate/index.js';
export { ParkedJourneys, PARKED_JOURNEYS_MAX } from './engine/parked-journeys.js';
export {
  STANDARD_AUTHORIZATION_PARAMETERS,
  CLIENT_AUTH_PARAMETERS,
  REQUEST_OBJECT_PARAMETERS,
  TOKEN_PARAMETERS,
  JWT_BEARER_ASSERTION_TYPE,
  REQUEST_URI_PREFIX,
} from './clients/oauth-parameters.js';

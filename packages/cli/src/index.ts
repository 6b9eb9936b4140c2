/**
 * @waymark/cli — the `waymark` command: validate, graph, run, serve, bench and
 * new-node (`commands/index.ts` lists them in the order `waymark --help` shows).
 */
export { main } from './main.js';
export { commands } from './commands/index.js';
export type { Command } from './command.js';
export { parseOrUsage } from './command.js';
export { EXIT } from './io.js';
export type { CliIo, TextSink } from './io.js';
export { CLI_ERRORS, CliError } from './errors.js';
export { createCliRegistry } from './registry.js';
export { toMermaid } from './mermaid.js';
export { startServer, secretEnvName } from './server/start-server.js';
export { startLocalStudio } from './studio/local-studio.js';
export type { LocalStudio, LocalStudioOptions } from './studio/local-studio.js';
export type { RunningServer, StartServerOptions } from './server/start-server.js';
export { AUDIT_DEFAULTS } from './server/audit-config.js';
export type { AuditSettings, ServerControl } from './server/audit-config.js';
export { loadServerConfig, resolveServerConfig } from './server/config.js';
export type { ServerConfig, ResolvedServerConfig } from './server/config.js';
export { createStoresFromConfig } from './server/stores.js';
export type { ServerStores } from './server/stores.js';
export { benchEngine, formatEngineBench } from './bench-engine.js';
export type { EngineBenchResult } from './bench-engine.js';
export {
  LiveControl,
  LIVE_DEFAULTS,
  FileFlowStore,
  createControlPlane,
  seedClients,
  applyFlowFile,
  readFlowFile,
  flowFilePaths,
  isDevelopment,
} from './server/live/index.js';
export type { ControlPlane, LiveControlOptions, FlowFileOutcome } from './server/live/index.js';

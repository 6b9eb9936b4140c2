import type { Clock, FlowStore, Logger, NodeType, Stores } from '@waymark/sdk';
import type { EngineLimits } from '../defaults.js';
import type { FlowVariables } from '../validate/variables.js';

/** What `createEngine` takes. Every option has a default: `createEngine()` runs in memory. */
export interface EngineOptions {
  /** Node types to register (the CLI and servers pass `builtinNodes` from @waymark/nodes). */
  nodes?: readonly NodeType<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- config types vary per node
  /** Plugin package names, resolved from `cwd`. */
  plugins?: readonly string[];
  /** Where plugins resolve from; default process.cwd(). */
  cwd?: string;
  /** Stores; any not given is in memory (the embedded default). */
  stores?: Partial<Stores>;
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Extra services nodes use (users, riskProvider, notifier…). */
  services?: Record<string, unknown>;
  /**
   * Keys that seal persisted secrets (32 bytes, base64url); the first seals, all open. Absent:
   * a random key per process, so suspended journeys cannot move between processes.
   */
  secretKeys?: readonly (string | Uint8Array)[];
  limits?: Partial<EngineLimits>;
  /**
   * Where flows live at run time (the control plane: memory, files, Redis). With it,
   * `syncFlows()` makes the store's active versions the ones new journeys start on, and a
   * journey pinned to a version this engine has not compiled (saved by another process) is
   * compiled from the store when it resumes. Without it, flows are what `load` loaded.
   */
  flowStore?: FlowStore;
  /**
   * Per-environment values node configs refer to as `{ "$var": "<name>" }` (an issuer, an
   * audience, a JWKS URL: never a secret, which is a `secretName`). Resolved when a flow is
   * loaded; a reference to an undefined variable makes the flow invalid (ERR_FLOW_VARIABLE).
   */
  variables?: FlowVariables;
}

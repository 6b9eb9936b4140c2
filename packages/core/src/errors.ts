import { WaymarkError } from '@waymark/sdk';
import type { FlowProblem } from './flow.js';

/**
 * Every code `@waymark/core` raises. A published code is never reused.
 * Codes of individual flow problems (ERR_FLOW_*) are listed in `validate/codes.ts`.
 */
export const CORE_ERRORS = {
  /** A flow failed validation; `details.problems` lists every problem with its pointer. */
  ERR_FLOW_INVALID: 'ERR_FLOW_INVALID',
  /** `start` named a flow id (or version) that is not loaded. */
  ERR_FLOW_NOT_FOUND: 'ERR_FLOW_NOT_FOUND',
  /** Two node types with the same name were registered. */
  ERR_NODE_TYPE_CLASH: 'ERR_NODE_TYPE_CLASH',
  /** A plugin package is missing, malformed, or built for an SDK this engine cannot honour. */
  ERR_PLUGIN_LOAD: 'ERR_PLUGIN_LOAD',
  /** No journey with that id (never existed, finished, or expired). */
  ERR_JOURNEY_NOT_FOUND: 'ERR_JOURNEY_NOT_FOUND',
  /** Another submit advanced this journey first (compare-and-set lost). */
  ERR_JOURNEY_CONFLICT: 'ERR_JOURNEY_CONFLICT',
  /** A persisted journey could not be opened (wrong key, tampered). */
  ERR_JOURNEY_SEALED: 'ERR_JOURNEY_SEALED',
  /** The flow reached its `failure` terminal. */
  ERR_JOURNEY_FAILED: 'ERR_JOURNEY_FAILED',
  /** The journey took more steps than `maxSteps` (loop guard). */
  ERR_JOURNEY_MAX_STEPS: 'ERR_JOURNEY_MAX_STEPS',
  /** A node ran past its timeout and its flow wires no `timeout` outcome. */
  ERR_NODE_TIMEOUT: 'ERR_NODE_TIMEOUT',
  /** A node threw and its flow wires no `error` outcome. */
  ERR_NODE_FAILED: 'ERR_NODE_FAILED',
  /** A node returned an outcome its type does not declare. */
  ERR_NODE_OUTCOME: 'ERR_NODE_OUTCOME',
  /** A suspended journey would persist more than `maxPersistedBytes`. */
  ERR_JOURNEY_TOO_LARGE: 'ERR_JOURNEY_TOO_LARGE',
  /** The submission does not answer the callbacks the journey asked for. */
  ERR_SUBMISSION_INVALID: 'ERR_SUBMISSION_INVALID',
  /** The engine configuration is invalid (names the key). */
  ERR_CONFIG_INVALID: 'ERR_CONFIG_INVALID',
  /** A store did not answer (Redis down): callers fail closed. */
  ERR_STORE_UNAVAILABLE: 'ERR_STORE_UNAVAILABLE',
  /** A memory store holds as many live entries as it may (`maxJourneys`): nothing live is dropped, the new one is refused; retry later. */
  ERR_STORE_FULL: 'ERR_STORE_FULL',
  /** Subflows (`flow.run`) nested deeper than `maxSubflowDepth`: the journey fails. */
  ERR_SUBFLOW_DEPTH: 'ERR_SUBFLOW_DEPTH',
  /** A `flow.run` node was run outside an engine (a harness running one node alone): only the engine holds the flows it calls. */
  ERR_SUBFLOW_UNAVAILABLE: 'ERR_SUBFLOW_UNAVAILABLE',
} as const;

export type CoreErrorCode = keyof typeof CORE_ERRORS;

export class FlowInvalidError extends WaymarkError {
  readonly problems: readonly FlowProblem[];
  constructor(flowLabel: string, problems: FlowProblem[]) {
    super(
      'ERR_FLOW_INVALID',
      `flow ${flowLabel} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.pointer || '/'}: ${p.code}: ${p.message}`).join('\n'),
      { problems },
    );
    this.problems = problems;
  }
}

/** Thrown by stores when the backing server is unreachable; the adapter answers 503. */
export class StoreUnavailableError extends WaymarkError {
  constructor(store: string, cause?: unknown) {
    super('ERR_STORE_UNAVAILABLE', `the ${store} store is unavailable`, { store }, { cause });
  }
}

/**
 * Thrown by a memory store at its capacity: the new entry is refused, never a live one dropped.
 * `retryAfterSeconds` is when the soonest live entry expires (at most a minute); the adapter
 * answers 503 with `Retry-After`.
 */
export class StoreFullError extends WaymarkError {
  constructor(store: string, limit: number, retryAfterSeconds: number) {
    super('ERR_STORE_FULL', `the ${store} store holds ${limit} live entries, its limit; retry later`, { store, limit, retryAfterSeconds });
  }
}

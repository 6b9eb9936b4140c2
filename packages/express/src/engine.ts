import type {
  FailureResult,
  JourneyEvent,
  JourneyResult,
  PendingStep,
  PushedResult,
  PushInput,
  RedeemInput,
  ResumeInput,
  StartInput,
} from '@waymark/core';

/** What a suspended journey waits for, as `Engine.pending` answers it (core's type). */
export type { PendingStep };

/**
 * What the adapter needs of the engine: start a flow, resume a journey, and run the push phase
 * of a pushed request. `@waymark/core`'s `createEngine` satisfies it. `POST /par` runs the push
 * phase through it (`push`, then `redeem` at `GET /authorize`); `GET /authorize`, `POST
 * /authorize/continue`, the journey API and the policy step-up run journeys through it; without
 * it they answer `ERR_NO_ENGINE` (500) and the step-up routes are not mounted. Without it `POST
 * /par` still validates and stores requests, but refuses a pushed token (nothing could judge
 * it, and a pushed request never keeps one in clear). The metadata, health, metrics and
 * `/policies/evaluate` endpoints never call it.
 *
 * @example
 * const engine = await createEngine({ nodes: builtinNodes, stores });
 * engine.loadDirectory('flows');
 * const router = createWaymarkRouter({ issuer, clients, stores, engine });
 */
export interface WaymarkEngine {
  start(flowId: string, input: StartInput): Promise<JourneyResult>;
  resume(journeyId: string, input: ResumeInput): Promise<JourneyResult>;
  /** The push phase of a pushed request (RFC 9126): the nodes that need no browser, on the PAR request; the journey comes back sealed, or failed. */
  push?(flowId: string, input: PushInput): Promise<PushedResult | FailureResult>;
  /** Continues a pushed journey with the browser's request (at `GET /authorize`). */
  redeem?(sealed: string, input: RedeemInput): Promise<JourneyResult>;
  /**
   * The callbacks a suspended journey waits for, or undefined. The browser form of
   * `/authorize/continue` needs it to map form fields back into callbacks, and it names the
   * client the journey runs for; without it that endpoint answers 500.
   */
  pending?(journeyId: string): Promise<PendingStep | undefined>;
  /** Journey events (for the journey and node metrics); optional. */
  on?(listener: (event: JourneyEvent) => void): () => void;
  /** A loaded flow, or undefined (lets the adapter tell an unknown flow from a disallowed one). */
  flow?(id: string): unknown;
}

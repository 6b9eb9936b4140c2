import type { JourneyEvent, JourneyResult, ResumeInput, StartInput } from '@waymark/core';
import type { Callback, JsonObject } from '@waymark/sdk';

/** What a suspended journey waits for, as `Engine.pending` answers it. */
export interface PendingStep {
  flowId: string;
  flowVersion: number;
  callbacks: Callback[];
  header?: string;
  stage?: string;
  meta?: JsonObject;
}

/**
 * What the adapter needs of the engine: start a flow, resume a journey. `@waymark/core`'s
 * `createEngine` satisfies it; tests may pass a fake. Optional until the authorize and journey
 * endpoints land; the PAR, metadata, health and metrics endpoints never call it.
 *
 * @example
 * const router = createWaymarkRouter({ issuer, clients, stores, engine: createEngine({ flows, stores }) });
 */
export interface WaymarkEngine {
  start(flowId: string, input: StartInput): Promise<JourneyResult>;
  resume(journeyId: string, input: ResumeInput): Promise<JourneyResult>;
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

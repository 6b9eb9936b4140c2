import type { JourneyResult, ResumeInput, StartInput } from '@waymark/core';

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
}

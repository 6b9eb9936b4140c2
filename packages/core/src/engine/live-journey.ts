import type { ClientInfo, JsonObject, PushedInfo } from '@waymark/sdk';
import type { TraceStep } from '../journey.js';
import type { CompiledFlow } from './compile.js';
import type { EffectLog } from './context.js';
import type { SubflowCall } from './subflow.js';
import type { PageProgress } from './page.js';

/** What a journey holds while it runs (in memory; `journey-record.ts` is its persisted form). */
export interface LiveJourney {
  id: string;
  flow: CompiledFlow;
  node: string;
  startedAt: number;
  steps: number;
  state: JsonObject;
  /** Secrets per namespace: a node sees only `secrets[its namespace]`. */
  secrets: Record<string, Record<string, string>>;
  par: PushedInfo | undefined;
  params: Record<string, string>;
  client: ClientInfo | undefined;
  effects: EffectLog;
  trace: TraceStep[];
  meta: JsonObject | undefined;
  /** The subflow calls in progress (`flow.run`), outermost first; absent or empty when none. */
  calls?: SubflowCall[];
  /** Revision in the store; null when never persisted. */
  revision: number | null;
  /** A `page` node's progress while it waits for its callbacks (engine/page.ts); absent otherwise. */
  page?: PageProgress;
}

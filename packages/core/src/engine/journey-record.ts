import type { Callback, ClientInfo, JsonObject, PushedInfo } from '@waymark/sdk';
import type { TraceStep } from '../journey.js';
import type { CompiledFlow } from './compile.js';
import type { EffectLog } from './context.js';
import type { LiveJourney } from './live-journey.js';
import type { PageProgress } from './page.js';
import type { Sealer } from './seal.js';
import { callRecords, type SubflowCallRecord } from './subflow.js';

/** The persisted form of a suspended journey. Short keys keep Redis values small. */
export interface JourneyRecord {
  id: string;
  f: string;
  fv: number;
  /** The node that suspended (a `flow.run` node when it was a subflow's node: see `sub`). */
  n: string;
  /** The subflow calls in progress, outermost first: where each child is and its own state. */
  sub?: SubflowCallRecord[];
  at: number;
  steps: number;
  state: JsonObject;
  /** Sealed { secrets, par, params }: everything that may hold a token or a password. */
  sealed?: string;
  client?: ClientInfo;
  fx: EffectLog;
  trace: TraceStep[];
  cb: Callback[];
  /**
   * Set by the resume that claimed the journey and is running it; cleared when it suspends
   * again (a fresh record) or finishes (deleted). A resume that reads a busy record loses.
   */
  busy?: 1;
  hdr?: string;
  /** The step's description (a `page`'s). */
  dsc?: string;
  stg?: string;
  /** A `page` node's progress while it waits (engine/page.ts). */
  pg?: PageProgress;
  meta?: JsonObject;
}

/** What the sealed part of a record holds. */
interface Sealed {
  s: LiveJourney['secrets'];
  p?: PushedInfo;
  q: Record<string, string>;
}

/**
 * The stored text of a journey waiting on `callbacks`. Secrets, the pushed request and the
 * authorization parameters are sealed with the journey id as additional data; `busy` marks the
 * record a resume has claimed.
 */
export function serialiseJourney(
  live: LiveJourney,
  callbacks: Callback[],
  header: string | undefined,
  stage: string | undefined,
  sealer: Sealer,
  busy = false,
  description?: string,
): string {
  const hasSealed = Object.keys(live.secrets).length > 0 || live.par !== undefined || Object.keys(live.params).length > 0;
  const record: JourneyRecord = {
    id: live.id,
    f: live.flow.id,
    fv: live.flow.version,
    n: live.node,
    sub: callRecords(live.calls),
    at: live.startedAt,
    steps: live.steps,
    state: live.state,
    sealed: hasSealed ? sealer.seal(JSON.stringify({ s: live.secrets, p: live.par, q: live.params } satisfies Sealed), live.id) : undefined,
    client: live.client,
    fx: live.effects,
    trace: live.trace,
    cb: callbacks,
    hdr: header,
    dsc: description,
    stg: stage,
    pg: live.page,
    meta: live.meta,
    busy: busy ? 1 : undefined,
  };
  return JSON.stringify(record);
}

/** Reads a stored journey record (the engine wrote it: no validation beyond JSON). */
export function parseJourneyRecord(value: string): JourneyRecord {
  return JSON.parse(value) as JourneyRecord;
}

/** The live journey a record holds, its sealed part opened (throws ERR_JOURNEY_SEALED on a wrong key or a tampered blob). */
export function openJourney(record: JourneyRecord, flow: CompiledFlow, revision: number, sealer: Sealer): LiveJourney {
  const opened: Sealed = record.sealed ? (JSON.parse(sealer.open(record.sealed, record.id)) as Sealed) : { s: {}, p: undefined, q: {} };
  return {
    id: record.id,
    flow,
    node: record.n,
    startedAt: record.at,
    steps: record.steps,
    state: record.state,
    secrets: opened.s,
    par: opened.p,
    params: opened.q,
    client: record.client,
    effects: record.fx,
    trace: record.trace,
    meta: record.meta,
    revision,
    ...(record.pg !== undefined ? { page: record.pg } : {}),
  };
}

/** What a suspended journey waits for, as `Engine.pending` answers it. */
export interface PendingStep {
  flowId: string;
  flowVersion: number;
  callbacks: Callback[];
  header?: string;
  description?: string;
  stage?: string;
  meta?: JsonObject;
}

export function pendingStep(record: JourneyRecord): PendingStep {
  const step: PendingStep = {
    flowId: record.f,
    flowVersion: record.fv,
    callbacks: record.cb,
    header: record.hdr,
    stage: record.stg,
    meta: record.meta,
  };
  if (record.dsc !== undefined) step.description = record.dsc;
  return step;
}

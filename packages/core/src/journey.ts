import type { Callback, ClientInfo, CookieEffect, JsonObject, PushedInfo, RequestInfo } from '@waymark/sdk';

/** One step of a journey's trace. Never holds secrets. */
export interface TraceStep {
  node: string;
  type: string;
  outcome: string;
  /** Wall time of the node's run in ms (fractional). */
  ms: number;
  /** Reason code a node gave with its outcome (`expired`, `audience`, …). */
  reason?: string;
  /**
   * The engine's error code when the node did not give a usable outcome (it threw, timed out or
   * answered an undeclared outcome) and no `error` / `timeout` outcome was wired: the journey
   * failed at this node with this code (`ERR_NODE_FAILED`, `ERR_NODE_TIMEOUT`, `ERR_NODE_OUTCOME`).
   */
  code?: string;
  /** The nodes a `page` ran in this step, each with its outcome (`suspended` when it asked). */
  children?: TraceStep[];
  /**
   * A `flow.run` step: the flow it ran and that flow's own trace (nested the same way). A call
   * that suspends shows as a `suspended` step with the child's trace so far, and its resume as
   * the next step of the same node with the rest, as any suspending node does.
   */
  subflow?: SubflowTrace;
}

/** The trace of a subflow call (see `TraceStep.subflow`). */
export interface SubflowTrace {
  flowId: string;
  flowVersion: number;
  trace: TraceStep[];
}

/** What starts a journey. */
export interface StartInput {
  request: RequestInfo;
  par?: PushedInfo;
  /** Authorization parameters (pushed ones, or plain ones). */
  params?: Record<string, string>;
  client?: ClientInfo;
  /** Initial journey state. */
  state?: JsonObject;
  /** Caller data carried through the journey and returned in every result (e.g. an interaction id). */
  meta?: JsonObject;
  /** Start a specific loaded version instead of the latest. */
  version?: number;
}

/** What starts the push phase (`Engine.push`). */
export interface PushInput extends StartInput {
  /**
   * The caller keeps what `push` returns in this process only (its pushed-request store is in
   * memory) and redeems it on this engine: the engine then keeps the parked journey itself, as
   * it is, until it is redeemed or its flow's timeout passes, and returns a reference to it
   * instead of the sealed journey (no serialisation, no encryption: nothing leaves the
   * process). A reference is worth nothing to another process or engine (ERR_JOURNEY_NOT_FOUND
   * there). Leave it off when the pushed request is kept anywhere another process can read it.
   * Nothing is serialised, so `maxPersistedBytes` (a bound on what a store holds) does not apply.
   */
  inProcess?: boolean;
}

/** What continues a pushed journey (`Engine.redeem`): the browser's request. */
export interface RedeemInput {
  request: RequestInfo;
}

/** What resumes a suspended journey: the callbacks as the step sent them, with inputs filled. */
export interface ResumeInput {
  callbacks: Callback[];
  request: RequestInfo;
}

interface ResultBase {
  journeyId: string;
  flowId: string;
  flowVersion: number;
  trace: TraceStep[];
  /**
   * Cookies to put on this response. On success: every set and clear the journey made. On
   * suspension or failure: only the clears (no cookie is ever set by a journey that did not
   * succeed).
   */
  cookies: CookieEffect[];
  meta?: JsonObject;
}

export interface SuspendedResult extends ResultBase {
  status: 'suspended';
  callbacks: Callback[];
  header?: string;
  /** A sentence under the header (a `page`'s description). */
  description?: string;
  stage?: string;
}

export interface SuccessResult extends ResultBase {
  status: 'success';
  sub?: string;
  sessionId?: string;
  redirect?: string;
  state: JsonObject;
}

export interface FailureResult extends ResultBase {
  status: 'failure';
  /** Stable code: ERR_JOURNEY_FAILED when the flow reached `failure`, else the engine's code. */
  code: string;
  /** A sentence safe to show a caller; never contains a secret. */
  reason: string;
  /** The last node's outcome reason, if any (`expired`, `mismatch`…). */
  nodeReason?: string;
  /** The node the journey failed at: the last node that ran (absent when none ran). */
  node?: string;
  state: JsonObject;
}

export type JourneyResult = SuspendedResult | SuccessResult | FailureResult;

/**
 * A journey whose push phase passed (`Engine.push`): it waits for the browser at the first node
 * that needs one. `sealed` is the whole journey, sealed with the engine's secret keys; hand it
 * to `Engine.redeem` with the browser's request. It is not in the journey store: the caller
 * keeps it, and making it single use is the caller's part (the adapter keeps it in the pushed
 * request, which is taken once).
 */
export interface PushedResult {
  status: 'pushed';
  journeyId: string;
  flowId: string;
  flowVersion: number;
  trace: TraceStep[];
  /**
   * Opaque; holds the pushed parameters (a token included) and the journey state, encrypted; or,
   * pushed with `inProcess`, a reference to the journey the engine keeps (nothing readable).
   */
  sealed: string;
  meta?: JsonObject;
}

/**
 * What every journey event says of the request it happened in and the client it ran for, where
 * known: the request's id (`RequestInfo.requestId`) and the client's id.
 */
export interface JourneyEventContext {
  requestId?: string;
  client_id?: string;
}

/**
 * Engine events, for logs, metrics, tracing, audit and the journey log. None carries a secret:
 * ids, codes, reasons and the trace (node, type, outcome, ms) only.
 */
export type JourneyEvent = JourneyEventContext &
  (
    | { type: 'journey.started'; journeyId: string; flowId: string; flowVersion: number; at: number }
    | { type: 'journey.step'; journeyId: string; flowId: string; flowVersion: number; step: TraceStep; at: number }
    | {
        type: 'journey.suspended';
        journeyId: string;
        flowId: string;
        flowVersion: number;
        node: string;
        at: number;
        /** When the journey started (epoch ms). */
        startedAt: number;
        /** The trace so far (the engine's own array: copy it to keep it). */
        trace: readonly TraceStep[];
      }
    | {
        type: 'journey.finished';
        journeyId: string;
        flowId: string;
        flowVersion: number;
        status: 'success' | 'failure';
        /** The failure's stable code. */
        code?: string;
        /** The failure's reason, safe to show (no secret). */
        reason?: string;
        /** The failing node's own reason (`expired`, `mismatch`), if it gave one. */
        nodeReason?: string;
        /** Where it ended: the last node that ran (on a failure, the failing node). */
        node?: string;
        /** The subject, when the journey identified one. */
        sub?: string;
        /** True when the journey created a session (`session.create`). */
        sessionCreated?: boolean;
        /** The client IP and user agent of the request it ended in. */
        ip?: string;
        userAgent?: string;
        steps: number;
        at: number;
        startedAt: number;
        trace: readonly TraceStep[];
      }
  );

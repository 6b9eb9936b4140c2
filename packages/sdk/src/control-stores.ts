import type { JsonObject } from './json-schema.js';

/**
 * Control-plane store contracts: what operators change at run time (flows, clients) and what
 * they look back at (audit events, journeys and their traces). Like the runtime stores in
 * `stores.ts` they are types only here; `@waymark/core` ships the memory implementations and a
 * conformance suite lives in `@waymark/testing`, `@waymark/redis` has the Redis ones and the CLI
 * a file-backed flow store. Times are epoch ms from the injected clock.
 */

/** One saved version of a flow. Versions are immutable once saved. */
export interface FlowVersionRecord {
  id: string;
  version: number;
  /** The flow JSON as saved; it passed validation before it was saved. */
  flow: JsonObject;
  savedAt: number;
  /** Who saved it: the admin's `sub`, or `file:<path>` for a flow read from disk. */
  savedBy: string;
}

/** A flow id: its versions and which one new journeys start on. */
export interface FlowEntry {
  id: string;
  /** Every saved version, ascending. */
  versions: number[];
  /** The version new journeys start on. Journeys already running stay on theirs. */
  activeVersion: number;
  updatedAt: number;
  updatedBy: string;
}

export interface FlowStore {
  list(): Promise<FlowEntry[]>;
  entry(id: string): Promise<FlowEntry | undefined>;
  getVersion(id: string, version: number): Promise<FlowVersionRecord | undefined>;
  /**
   * Saves a new version, compare-and-set: `expectedLatest` is the highest version the caller
   * read (`null` when the id must not exist yet) and `record.version` must be greater than it.
   * Of two concurrent saves from the same read, exactly one succeeds; the other gets `false`.
   * With `activate` (default true) the new version becomes the active one in the same step.
   */
  saveVersion(record: FlowVersionRecord, expectedLatest: number | null, options?: { activate?: boolean }): Promise<boolean>;
  /**
   * Makes a saved version the active one (activate, or roll back to an earlier one).
   * `expectedActive`, when given, is compare-and-set on the current active version.
   * False when the version does not exist or another writer won.
   */
  activate(id: string, version: number, by: string, at: number, expectedActive?: number): Promise<boolean>;
  /**
   * A number that changes whenever anything in the store changes, in any process: a process
   * compares it with the one it loaded to know it must reload (the 1 s propagation rule).
   */
  revision(): Promise<number>;
  /**
   * Optional push notification of a change made by any process; resolves to the unsubscribe
   * function. The listener may also be called with no change (Redis calls it when its
   * subscription reconnects, as messages published meanwhile are lost): it compares
   * `revision()` with the one it loaded rather than trusting the call. Pair it with a poll of
   * `revision()`: a notification may be lost.
   */
  subscribe?(listener: () => void): Promise<() => Promise<void>>;
}

/** A client as the client store keeps it. */
export interface ClientRecord {
  /**
   * The client configuration (the adapter's client JSON, validated before it was saved), without
   * `client_secret`: the secret is kept beside it and never listed or returned.
   */
  config: JsonObject;
  /** `client_secret` of a confidential client. Write-only: an admin API never returns it. */
  secret?: string;
  /** When `secret` was last set (epoch ms): what an admin API shows instead of the secret. */
  secretSetAt?: number;
  /** A disabled client is refused at once by every endpoint, as an unknown one would be. */
  enabled: boolean;
  /** Compare-and-set revision, 1 for a new record. */
  revision: number;
  updatedAt: number;
  updatedBy: string;
}

export interface ClientStore {
  list(): Promise<ClientRecord[]>;
  get(clientId: string): Promise<ClientRecord | undefined>;
  /**
   * Creates (`expectedRevision` null: fails when the id exists) or replaces (the revision read)
   * a client. Returns the new revision, or false when another writer won. `record.revision` is
   * ignored: the store assigns it.
   */
  put(clientId: string, record: Omit<ClientRecord, 'revision'>, expectedRevision: number | null): Promise<number | false>;
  /** Deletes; with `expectedRevision`, only when unchanged. False when absent or another writer won. */
  delete(clientId: string, expectedRevision?: number): Promise<boolean>;
  /** As {@link FlowStore.revision}. */
  revision(): Promise<number>;
  subscribe?(listener: () => void): Promise<() => Promise<void>>;
}

/**
 * Every kind of audit event, in one list: what the admin API accepts as `type` and the API
 * reference enumerates (a new kind added here reaches both).
 */
export const AUDIT_EVENT_TYPES = [
  'journey.ended',
  'par.accepted',
  'par.refused',
  'authorize.ended',
  'policy.decision',
  'stepup.ended',
  'session.created',
  'session.ended',
  'client.auth_failed',
  'admin.change',
  /** A call through the gateway (tool, arguments' hash, upstream status, ms). */
  'gateway.call',
  /** A read of the admin API made in an agent's session (an MCP server sends `X-Waymark-Session-Id`). */
  'admin.access',
] as const;

/** What an audit event records. */
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/**
 * One audit event. Never a token, password, one-time code, cookie value or secret: only ids,
 * codes and reasons. Optional fields are absent rather than undefined.
 */
export interface AuditEvent {
  /** Unique, sortable by time within one process (e.g. a time-prefixed random id). */
  id: string;
  /** Epoch ms. */
  time: number;
  type: AuditEventType;
  /** The request's id (`X-Request-Id`), shared with every log line of the request. */
  requestId?: string;
  sub?: string;
  client_id?: string;
  /** `flowId@version`. */
  flow?: string;
  /** The node where the journey ended (the failing node on a failure). */
  node?: string;
  /** `success`, `failure`, `permit`, `deny`, `advice`, `accepted`, `refused`, … */
  outcome: string;
  /** The stable error code or reason code of a failure, denial or refusal. */
  code?: string;
  /** A short human reason (no secret, no submitted value). */
  reason?: string;
  ip?: string;
  userAgent?: string;
  journeyId?: string;
  transactionId?: string;
  /**
   * The caller's session (`X-Waymark-Session-Id`, such as an MCP server's session), so every
   * request of one agent session can be found together; `requestId` is then its transaction id.
   */
  sessionId?: string;
  /** For `admin.change`: the admin's identity and what changed (`flow:login@3`, `client:web-app`). */
  actor?: string;
  target?: string;
  action?: string;
  /** For `gateway.call`: the tool, prompt or resource called (`action` is the JSON-RPC method or HTTP method, `actor` the acting agent, RFC 8693 `act.sub`). */
  tool?: string;
  /** For `gateway.call`: the SHA-256 (base64url) of the call's arguments; never the values. */
  argumentsHash?: string;
  /** For `gateway.call`: the upstream's HTTP status (absent when the call was not forwarded). */
  upstreamStatus?: number;
  /** For `gateway.call`: milliseconds from the request to the end of the answer. */
  durationMs?: number;
}

/** Where audit events go. `write` must not throw and must not block the request: queue, log failures. */
export interface AuditSink {
  write(event: AuditEvent): void;
}

export interface AuditQuery {
  /** Inclusive lower bound, epoch ms. */
  from?: number;
  /** Exclusive upper bound, epoch ms. */
  to?: number;
  type?: AuditEventType;
  sub?: string;
  client_id?: string;
  outcome?: string;
  requestId?: string;
  /** Page size; stores cap it (default 100, max 1000). */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

export interface AuditPage {
  /** Oldest first. */
  events: AuditEvent[];
  /** Present when more events match: pass it as `cursor`. */
  next?: string;
}

/** Kept audit events: memory keeps a bounded ring, Redis a capped stream with a retention time. */
export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  query(query: AuditQuery): Promise<AuditPage>;
}

/** One step of a journey's trace, as kept for operators. No submitted value, no secret. */
export interface JourneyTraceStep {
  node: string;
  type: string;
  outcome: string;
  ms: number;
  reason?: string;
  /** The error code when the node threw (also when no `error` outcome was wired). */
  code?: string;
  /** A `flow.run` step: the flow it ran and that flow's own steps, nested the same way. */
  subflow?: { flowId: string; flowVersion: number; trace: JourneyTraceStep[] };
}

/** A journey as operators see it: live (suspended) or finished. */
export interface JourneyRecord {
  id: string;
  flowId: string;
  flowVersion: number;
  status: 'live' | 'success' | 'failure';
  client_id?: string;
  sub?: string;
  /** The failure's stable code. */
  code?: string;
  reason?: string;
  /** Where it is suspended, or where it ended. */
  node?: string;
  requestId?: string;
  startedAt: number;
  updatedAt: number;
  endedAt?: number;
  trace: JourneyTraceStep[];
}

export interface JourneyQuery {
  from?: number;
  to?: number;
  flowId?: string;
  client_id?: string;
  sub?: string;
  status?: JourneyRecord['status'];
  code?: string;
  limit?: number;
  cursor?: string;
}

export interface JourneyPage {
  journeys: JourneyRecord[];
  next?: string;
}

/**
 * Journeys kept for operators, bounded in time and count. `record` replaces the record with the
 * same id (a live journey becomes finished).
 */
export interface JourneyLogStore {
  record(journey: JourneyRecord): Promise<void>;
  get(id: string): Promise<JourneyRecord | undefined>;
  query(query: JourneyQuery): Promise<JourneyPage>;
}

/** The control-plane stores of one deployment. */
export interface ControlStores {
  flows: FlowStore;
  clients: ClientStore;
  audit: AuditStore;
  journeyLog: JourneyLogStore;
}

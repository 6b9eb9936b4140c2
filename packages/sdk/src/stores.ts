import type { JsonObject, JsonValue } from './json-schema.js';

/**
 * Store contracts. They live in the SDK (types only) because nodes reach them through
 * `ctx.services.stores`; `@waymark/core` ships the in-memory implementations and one
 * conformance suite, `@waymark/redis` the Redis ones. Every method is async so that a remote
 * store fits; every expiry is in seconds and judged against the injected clock.
 */

/** A request pushed to the PAR endpoint (RFC 9126 §2), waiting for its single redemption. */
export interface PushedRequest {
  clientId: string;
  /** The authorization parameters as pushed (strings only, as form-encoded). */
  params: Record<string, string>;
  /** The IP the adapter observed on the PAR request (the back channel). */
  ip: string;
  createdAt: number;
  expiresAt: number;
  /**
   * The journey the push phase started (the engine's `push`), sealed by the engine: it holds
   * the pushed parameters a flow may still need (a token included) encrypted, so `params`
   * never holds a token. Opaque to the store and the adapter; absent when no journey ran.
   */
  journey?: string;
}

export interface PushedRequestStore {
  put(id: string, request: PushedRequest, ttlSeconds: number): Promise<void>;
  /** Atomic get-and-delete: of two concurrent takes of one id, exactly one gets the request. */
  take(id: string): Promise<PushedRequest | undefined>;
}

/** A persisted journey: an opaque string (core seals it) and a revision for compare-and-set. */
export interface StoredJourney {
  value: string;
  revision: number;
}

export interface JourneyStore {
  get(id: string): Promise<StoredJourney | undefined>;
  /**
   * Compare-and-set. `expectedRevision` is `null` to create (fails when the id exists) or the
   * revision read by `get`. Returns the new revision, or `false` when another writer won.
   * Revisions start at 1 for every new record; this is safe because journey ids are 128-bit
   * random values the engine never reuses.
   */
  put(id: string, value: string, expectedRevision: number | null, ttlSeconds: number): Promise<number | false>;
  delete(id: string): Promise<void>;
}

/** The authenticated browser session a journey creates. */
export interface Session {
  id: string;
  sub: string;
  createdAt: number;
  /** Last use; the session dies `idleSeconds` after it. */
  lastSeenAt: number;
  idleSeconds: number;
  /** Absolute end of the session (max lifetime), epoch ms. */
  expiresAt: number;
  authTime: number;
  acr?: string;
  amr?: string[];
  clientId?: string;
  data?: JsonObject;
}

export interface SessionStore {
  /** Creates or replaces the session with this id; expiry follows `expiresAt` and `idleSeconds`. */
  put(session: Session): Promise<void>;
  /** The live session, or undefined when unknown, idle too long or past its max lifetime. */
  get(id: string): Promise<Session | undefined>;
  delete(id: string): Promise<void>;
}

/** A transactional-authorization decision waiting for its step-up, then for its single use. */
export interface Transaction {
  id: string;
  sub: string;
  resource: string;
  action: string;
  status: 'pending' | 'authenticated';
  createdAt: number;
  expiresAt: number;
  data?: JsonObject;
}

export interface TransactionStore {
  /** Stores a new transaction. Ids are 128-bit random and never reused by callers. */
  create(tx: Transaction): Promise<void>;
  get(id: string): Promise<Transaction | undefined>;
  /** pending → authenticated, only when unexpired; false otherwise. */
  markAuthenticated(id: string): Promise<boolean>;
  /**
   * Atomically deletes and returns the transaction when it is authenticated, unexpired and
   * bound to exactly this subject, resource and action; otherwise leaves it and returns
   * undefined. Of concurrent consumers, exactly one gets it.
   */
  consume(id: string, match: { sub: string; resource: string; action: string }): Promise<Transaction | undefined>;
}

export interface CounterStore {
  /** Adds one and returns the new count; the window starts with the first increment. */
  increment(key: string, windowSeconds: number): Promise<number>;
  get(key: string): Promise<number>;
  reset(key: string): Promise<void>;
}

/** Small JSON documents with an optional TTL: risk profiles, known devices, enrolments. */
export interface KeyValueStore {
  get(key: string): Promise<JsonValue | undefined>;
  set(key: string, value: JsonValue, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface Stores {
  journeys: JourneyStore;
  pushedRequests: PushedRequestStore;
  sessions: SessionStore;
  transactions: TransactionStore;
  counters: CounterStore;
  kv: KeyValueStore;
}

import type {
  Clock,
  CounterStore,
  JourneyStore,
  JsonValue,
  KeyValueStore,
  PushedRequest,
  PushedRequestStore,
  Session,
  SessionStore,
  Stores,
  StoredJourney,
  Transaction,
  TransactionStore,
} from '@waymark/sdk';
import { TtlMap } from './ttl-map.js';

/* Values are copied in and out (structuredClone) so a caller mutating what it got can never
 * change what is stored — the same isolation a remote store gives. Every method is async and
 * does its read-check-write without an await in between, which makes it atomic on Node's
 * single thread. */

export class MemoryPushedRequestStore implements PushedRequestStore {
  readonly #map: TtlMap<PushedRequest>;
  constructor(clock: Clock) {
    this.#map = new TtlMap(clock);
  }
  async put(id: string, request: PushedRequest, ttlSeconds: number): Promise<void> {
    this.#map.set(id, structuredClone(request), ttlSeconds * 1000);
  }
  async take(id: string): Promise<PushedRequest | undefined> {
    const value = this.#map.get(id);
    this.#map.delete(id);
    return value;
  }
}

export class MemoryJourneyStore implements JourneyStore {
  readonly #map: TtlMap<StoredJourney>;
  constructor(clock: Clock) {
    this.#map = new TtlMap(clock);
  }
  async get(id: string): Promise<StoredJourney | undefined> {
    const value = this.#map.get(id);
    return value && { ...value };
  }
  async put(id: string, value: string, expectedRevision: number | null, ttlSeconds: number): Promise<number | false> {
    const current = this.#map.get(id);
    if (expectedRevision === null ? current !== undefined : current?.revision !== expectedRevision) return false;
    const revision = (current?.revision ?? 0) + 1;
    this.#map.set(id, { value, revision }, ttlSeconds * 1000);
    return revision;
  }
  async delete(id: string): Promise<void> {
    this.#map.delete(id);
  }
}

export class MemorySessionStore implements SessionStore {
  readonly #map: TtlMap<Session>;
  readonly #clock: Clock;
  constructor(clock: Clock) {
    this.#clock = clock;
    this.#map = new TtlMap(clock);
  }
  async put(session: Session): Promise<void> {
    const ttl = Math.min(session.expiresAt, session.lastSeenAt + session.idleSeconds * 1000) - this.#clock.now();
    if (ttl <= 0) this.#map.delete(session.id);
    else this.#map.set(session.id, structuredClone(session), ttl);
  }
  async get(id: string): Promise<Session | undefined> {
    const session = this.#map.get(id);
    return session && structuredClone(session);
  }
  async delete(id: string): Promise<void> {
    this.#map.delete(id);
  }
}

export class MemoryTransactionStore implements TransactionStore {
  readonly #map: TtlMap<Transaction>;
  readonly #clock: Clock;
  constructor(clock: Clock) {
    this.#clock = clock;
    this.#map = new TtlMap(clock);
  }
  async create(tx: Transaction): Promise<void> {
    this.#map.set(tx.id, structuredClone(tx), tx.expiresAt - this.#clock.now());
  }
  async get(id: string): Promise<Transaction | undefined> {
    const tx = this.#map.get(id);
    return tx && structuredClone(tx);
  }
  async markAuthenticated(id: string): Promise<boolean> {
    const tx = this.#map.get(id);
    if (!tx || tx.status !== 'pending') return false;
    tx.status = 'authenticated';
    return true;
  }
  async consume(id: string, match: { sub: string; resource: string; action: string }): Promise<Transaction | undefined> {
    const tx = this.#map.get(id);
    if (!tx || tx.status !== 'authenticated' || tx.sub !== match.sub || tx.resource !== match.resource || tx.action !== match.action)
      return undefined;
    this.#map.delete(id);
    return tx;
  }
}

export class MemoryCounterStore implements CounterStore {
  readonly #map: TtlMap<number>;
  constructor(clock: Clock) {
    this.#map = new TtlMap(clock);
  }
  async increment(key: string, windowSeconds: number): Promise<number> {
    const current = this.#map.get(key);
    if (current === undefined) {
      this.#map.set(key, 1, windowSeconds * 1000);
      return 1;
    }
    // Keep the window that the first increment opened.
    const left = this.#map.ttlMs(key) ?? windowSeconds * 1000;
    this.#map.set(key, current + 1, left);
    return current + 1;
  }
  async get(key: string): Promise<number> {
    return this.#map.get(key) ?? 0;
  }
  async reset(key: string): Promise<void> {
    this.#map.delete(key);
  }
}

export class MemoryKeyValueStore implements KeyValueStore {
  readonly #map: TtlMap<JsonValue>;
  constructor(clock: Clock) {
    this.#map = new TtlMap(clock);
  }
  async get(key: string): Promise<JsonValue | undefined> {
    const value = this.#map.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }
  async set(key: string, value: JsonValue, ttlSeconds?: number): Promise<void> {
    this.#map.set(key, structuredClone(value), ttlSeconds === undefined ? Infinity : ttlSeconds * 1000);
  }
  async delete(key: string): Promise<void> {
    this.#map.delete(key);
  }
}

/** The clock everything defaults to. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Every store in memory: the embedded default, for one process with no other server.
 *
 * @example
 * const stores = createMemoryStores({ now: () => fakeNow });
 */
export function createMemoryStores(clock: Clock = systemClock): Stores {
  return {
    journeys: new MemoryJourneyStore(clock),
    pushedRequests: new MemoryPushedRequestStore(clock),
    sessions: new MemorySessionStore(clock),
    transactions: new MemoryTransactionStore(clock),
    counters: new MemoryCounterStore(clock),
    kv: new MemoryKeyValueStore(clock),
  };
}

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

/* Values are copied in and out (a deep copy) so a caller mutating what it got can never
 * change what is stored — the same isolation a remote store gives. Every method is async and
 * does its read-check-write without an await in between, which makes it atomic on Node's
 * single thread. */

const OBJECT_PROTO = Object.prototype;

/**
 * A deep copy of a JSON-shaped value: plain objects (also null-prototype ones), arrays and
 * primitives, copied by hand — several times cheaper than structuredClone on the small records
 * these stores hold. Anything else (a Date, a Map, a class instance) goes to structuredClone,
 * so the result is what structuredClone would give.
 */
function copyValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? structuredClone(value) : value; // a function: DataCloneError, as before
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyValue(value[i] as unknown);
    return out as T;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== OBJECT_PROTO && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const copied = copyValue((value as Record<string, unknown>)[key]);
    // A "__proto__" key is data here, never the prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
    else out[key] = copied;
  }
  return out as T;
}

export class MemoryPushedRequestStore implements PushedRequestStore {
  readonly #map: TtlMap<PushedRequest>;
  constructor(clock: Clock) {
    this.#map = new TtlMap(clock);
  }
  async put(id: string, request: PushedRequest, ttlSeconds: number): Promise<void> {
    this.#map.set(id, copyValue(request), ttlSeconds * 1000);
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
    else this.#map.set(session.id, copyValue(session), ttl);
  }
  async get(id: string): Promise<Session | undefined> {
    const session = this.#map.get(id);
    return session && copyValue(session);
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
    this.#map.set(tx.id, copyValue(tx), tx.expiresAt - this.#clock.now());
  }
  async get(id: string): Promise<Transaction | undefined> {
    const tx = this.#map.get(id);
    return tx && copyValue(tx);
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
    // Keep the window that the first increment opened.
    if (current !== undefined && this.#map.replace(key, current + 1)) return current + 1;
    this.#map.set(key, 1, windowSeconds * 1000);
    return 1;
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
    return value === undefined ? undefined : copyValue(value);
  }
  async set(key: string, value: JsonValue, ttlSeconds?: number): Promise<void> {
    this.#map.set(key, copyValue(value), ttlSeconds === undefined ? Infinity : ttlSeconds * 1000);
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

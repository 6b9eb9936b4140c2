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
import { StoreFullError } from '../../errors.js';
import { DEFAULT_SWEEP_INTERVAL_MS, Sweeper, TtlMap } from './ttl-map.js';

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
export function copyValue<T>(value: T): T {
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
  constructor(clock: Clock, options: MemoryStoreOptions = {}) {
    this.#map = new TtlMap(clock, undefined, options.sweeper);
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

/**
 * Whether a pushed-request store keeps its records in this process only (the memory store): what
 * is put there can never be read by another process. The PAR endpoint then has the engine keep a
 * pushed journey in process (`PushInput.inProcess`) instead of sealing it into the record.
 */
export function keepsInProcess(store: PushedRequestStore): boolean {
  return store instanceof MemoryPushedRequestStore;
}

/** Options of a memory store. */
export interface MemoryStoreOptions {
  /** Sweeps the store's expired entries on a timer (createMemoryStores gives every store one). Without it they go when read and every 1000 writes. */
  sweeper?: Sweeper;
}

/** Options of the memory journey store. */
export interface MemoryJourneyStoreOptions extends MemoryStoreOptions {
  /** Live journeys it holds at most; a new one past it is refused with ERR_STORE_FULL. Default: no limit. */
  maxJourneys?: number;
}

/* At the cap, expired journeys are swept before refusing, at most once a second (a sweep walks them all). */
const FULL_SWEEP_EVERY_MS = 1000;
/* The longest Retry-After a full store answers: journeys that finish free room sooner than the soonest expiry. */
const MAX_FULL_RETRY_SECONDS = 60;

export class MemoryJourneyStore implements JourneyStore {
  readonly #map: TtlMap<StoredJourney>;
  readonly #clock: Clock;
  readonly #max: number;
  #fullSweptAt = -Infinity;
  #soonestExpiry = Infinity;
  constructor(clock: Clock, options: MemoryJourneyStoreOptions = {}) {
    this.#clock = clock;
    this.#max = options.maxJourneys ?? Infinity;
    this.#map = new TtlMap(clock, undefined, options.sweeper);
  }
  /** Journeys held, expired ones not yet swept included. */
  get size(): number {
    return this.#map.size;
  }
  async get(id: string): Promise<StoredJourney | undefined> {
    const value = this.#map.get(id);
    return value && { ...value };
  }
  async put(id: string, value: string, expectedRevision: number | null, ttlSeconds: number): Promise<number | false> {
    const current = this.#map.get(id);
    if (expectedRevision === null ? current !== undefined : current?.revision !== expectedRevision) return false;
    if (expectedRevision === null && this.#map.size >= this.#max) this.#makeRoom();
    const revision = (current?.revision ?? 0) + 1;
    this.#map.set(id, { value, revision }, ttlSeconds * 1000);
    return revision;
  }
  async delete(id: string): Promise<void> {
    this.#map.delete(id);
  }
  /** At the cap: sweep the expired (throttled), and refuse the new journey if still full. A live journey is never dropped. */
  #makeRoom(): void {
    const now = this.#clock.now();
    if (now - this.#fullSweptAt >= FULL_SWEEP_EVERY_MS) {
      this.#fullSweptAt = now;
      this.#soonestExpiry = this.#map.sweep();
    }
    if (this.#map.size < this.#max) return;
    const seconds = Math.ceil((this.#soonestExpiry - now) / 1000);
    throw new StoreFullError('journeys', this.#max, Math.min(MAX_FULL_RETRY_SECONDS, Math.max(1, Number.isFinite(seconds) ? seconds : 1)));
  }
}

export class MemorySessionStore implements SessionStore {
  readonly #map: TtlMap<Session>;
  readonly #clock: Clock;
  constructor(clock: Clock, options: MemoryStoreOptions = {}) {
    this.#clock = clock;
    this.#map = new TtlMap(clock, undefined, options.sweeper);
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
  constructor(clock: Clock, options: MemoryStoreOptions = {}) {
    this.#clock = clock;
    this.#map = new TtlMap(clock, undefined, options.sweeper);
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
  constructor(clock: Clock, options: MemoryStoreOptions = {}) {
    this.#map = new TtlMap(clock, undefined, options.sweeper);
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
  constructor(clock: Clock, options: MemoryStoreOptions = {}) {
    this.#map = new TtlMap(clock, undefined, options.sweeper);
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

/** Options of `createMemoryStores`; each has a default and a reason in `MEMORY_STORE_DEFAULTS`. */
export interface MemoryStoresOptions {
  /** Live journeys one process holds at most; past it a new journey is refused (ERR_STORE_FULL, 503). `Infinity`: no cap. */
  maxJourneys?: number;
  /** How often expired entries are swept while no writes come (ms). */
  sweepIntervalMs?: number;
}

export const MEMORY_STORE_DEFAULTS = Object.freeze({
  /**
   * 20,000 live (suspended) journeys, about 4 KB each (80 MB): far above what one process
   * serves honestly (at the 5-minute journey TTL, 65 abandoned starts every second), low enough
   * that a flood cannot take the process's memory. A journey that finishes frees its room.
   */
  maxJourneys: 20_000,
  /** A minute: an expired entry outlives its TTL by at most that much in an idle process, and a sweep walks every entry. */
  sweepIntervalMs: DEFAULT_SWEEP_INTERVAL_MS,
});

/** The memory stores, and `close()` that stops their sweep timer (not enumerable: `stores` stays six stores). */
export interface MemoryStores extends Stores {
  /** The journey store as such: its `size` shows how many journeys it holds. */
  journeys: MemoryJourneyStore;
  close(): void;
}

/**
 * Every store in memory: the embedded default, for one process with no other server. Expired
 * entries are swept on one unref'd timer (stop it with `close()`); the journey store holds at
 * most `maxJourneys` live journeys and refuses new ones past that with ERR_STORE_FULL (never
 * dropping a live one).
 *
 * @example
 * const stores = createMemoryStores({ now: () => fakeNow });
 * const small = createMemoryStores(systemClock, { maxJourneys: 1000 });
 */
export function createMemoryStores(clock: Clock = systemClock, options: MemoryStoresOptions = {}): MemoryStores {
  const maxJourneys = options.maxJourneys ?? MEMORY_STORE_DEFAULTS.maxJourneys;
  if (!(maxJourneys === Infinity || (Number.isInteger(maxJourneys) && maxJourneys > 0)))
    throw new RangeError('createMemoryStores: maxJourneys must be a positive integer or Infinity');
  const sweeper = new Sweeper(options.sweepIntervalMs ?? MEMORY_STORE_DEFAULTS.sweepIntervalMs);
  const stores = {
    journeys: new MemoryJourneyStore(clock, { sweeper, maxJourneys }),
    pushedRequests: new MemoryPushedRequestStore(clock, { sweeper }),
    sessions: new MemorySessionStore(clock, { sweeper }),
    transactions: new MemoryTransactionStore(clock, { sweeper }),
    counters: new MemoryCounterStore(clock, { sweeper }),
    kv: new MemoryKeyValueStore(clock, { sweeper }),
  } as Omit<MemoryStores, 'close'> as MemoryStores;
  return Object.defineProperty(stores, 'close', { value: () => sweeper.close(), enumerable: false });
}

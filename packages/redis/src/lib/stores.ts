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
  StoredJourney,
  Transaction,
  TransactionStore,
} from '@waymark/sdk';
import type { Connection } from './connection.js';
import { keyFor } from './keys.js';
import { CAS, CONSUME, GET, INCREMENT, MARK_AUTHENTICATED, SET, TAKE } from './scripts.js';

/* Every method is exactly one round trip. Expiry follows the injected clock: each write stores
 * the absolute expiry `e` and each read passes `now`; PEXPIRE (px below) only collects garbage. */

/** Milliseconds for PEXPIRE: at least 1, since 0 or less is an error. */
const px = (ms: number): number => Math.max(1, Math.ceil(ms));

/** An HMGET-style reply: null when absent or expired, else the field values in order. */
type Fields = (string | null)[] | null;

export class RedisPushedRequestStore implements PushedRequestStore {
  constructor(
    readonly conn: Connection,
    readonly clock: Clock,
  ) {}
  async put(id: string, request: PushedRequest, ttlSeconds: number): Promise<void> {
    const ttl = ttlSeconds * 1000;
    const e = this.clock.now() + ttl;
    await this.conn.eval('pushedRequests', SET, keyFor(this.conn.prefix, 'par', id), [px(ttl), 'v', JSON.stringify(request), 'e', e]);
  }
  async take(id: string): Promise<PushedRequest | undefined> {
    const v = (await this.conn.eval('pushedRequests', TAKE, keyFor(this.conn.prefix, 'par', id), [this.clock.now()])) as string | null;
    return v === null ? undefined : (JSON.parse(v) as PushedRequest);
  }
}

export class RedisJourneyStore implements JourneyStore {
  constructor(
    readonly conn: Connection,
    readonly clock: Clock,
  ) {}
  async get(id: string): Promise<StoredJourney | undefined> {
    const fields = (await this.conn.eval('journeys', GET, keyFor(this.conn.prefix, 'journey', id), [this.clock.now(), 'v', 'r'])) as Fields;
    return fields ? { value: fields[0]!, revision: Number(fields[1]) } : undefined;
  }
  async put(id: string, value: string, expectedRevision: number | null, ttlSeconds: number): Promise<number | false> {
    const now = this.clock.now();
    const ttl = ttlSeconds * 1000;
    const args = [now, expectedRevision === null ? '' : expectedRevision, value, now + ttl, px(ttl)];
    const revision = (await this.conn.eval('journeys', CAS, keyFor(this.conn.prefix, 'journey', id), args)) as number;
    return revision === 0 ? false : revision;
  }
  async delete(id: string): Promise<void> {
    await this.conn.del('journeys', keyFor(this.conn.prefix, 'journey', id));
  }
}

export class RedisSessionStore implements SessionStore {
  constructor(
    readonly conn: Connection,
    readonly clock: Clock,
  ) {}
  async put(session: Session): Promise<void> {
    // Dies at the earlier of its idle deadline and its max lifetime; a put (touch) moves only
    // the idle deadline, so a session never outlives expiresAt.
    const e = Math.min(session.expiresAt, session.lastSeenAt + session.idleSeconds * 1000);
    const args = [px(e - this.clock.now()), 'v', JSON.stringify(session), 'e', e];
    await this.conn.eval('sessions', SET, keyFor(this.conn.prefix, 'session', session.id), args);
  }
  async get(id: string): Promise<Session | undefined> {
    const fields = (await this.conn.eval('sessions', GET, keyFor(this.conn.prefix, 'session', id), [this.clock.now(), 'v'])) as Fields;
    return fields ? (JSON.parse(fields[0]!) as Session) : undefined;
  }
  async delete(id: string): Promise<void> {
    await this.conn.del('sessions', keyFor(this.conn.prefix, 'session', id));
  }
}

export class RedisTransactionStore implements TransactionStore {
  constructor(
    readonly conn: Connection,
    readonly clock: Clock,
  ) {}
  async create(tx: Transaction): Promise<void> {
    // The status lives in its own field so markAuthenticated flips it without re-encoding v.
    const args = [
      px(tx.expiresAt - this.clock.now()),
      'v',
      JSON.stringify(tx),
      's',
      tx.status,
      'sub',
      tx.sub,
      'res',
      tx.resource,
      'act',
      tx.action,
      'e',
      tx.expiresAt,
    ];
    await this.conn.eval('transactions', SET, keyFor(this.conn.prefix, 'tx', tx.id), args);
  }
  async get(id: string): Promise<Transaction | undefined> {
    const fields = (await this.conn.eval('transactions', GET, keyFor(this.conn.prefix, 'tx', id), [this.clock.now(), 'v', 's'])) as Fields;
    return fields ? { ...(JSON.parse(fields[0]!) as Transaction), status: fields[1] as Transaction['status'] } : undefined;
  }
  async markAuthenticated(id: string): Promise<boolean> {
    return (await this.conn.eval('transactions', MARK_AUTHENTICATED, keyFor(this.conn.prefix, 'tx', id), [this.clock.now()])) === 1;
  }
  async consume(id: string, match: { sub: string; resource: string; action: string }): Promise<Transaction | undefined> {
    const args = [this.clock.now(), match.sub, match.resource, match.action];
    const v = (await this.conn.eval('transactions', CONSUME, keyFor(this.conn.prefix, 'tx', id), args)) as string | null;
    return v === null ? undefined : { ...(JSON.parse(v) as Transaction), status: 'authenticated' };
  }
}

export class RedisCounterStore implements CounterStore {
  constructor(
    readonly conn: Connection,
    readonly clock: Clock,
  ) {}
  async increment(key: string, windowSeconds: number): Promise<number> {
    const now = this.clock.now();
    const window = windowSeconds * 1000;
    return (await this.conn.eval('counters', INCREMENT, keyFor(this.conn.prefix, 'counter', key), [
      now,
      now + window,
      px(window),
    ])) as number;
  }
  async get(key: string): Promise<number> {
    const fields = (await this.conn.eval('counters', GET, keyFor(this.conn.prefix, 'counter', key), [this.clock.now(), 'n'])) as Fields;
    return fields ? Number(fields[0]) : 0;
  }
  async reset(key: string): Promise<void> {
    await this.conn.del('counters', keyFor(this.conn.prefix, 'counter', key));
  }
}

export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    readonly conn: Connection,
    readonly clock: Clock,
  ) {}
  async get(key: string): Promise<JsonValue | undefined> {
    const fields = (await this.conn.eval('kv', GET, keyFor(this.conn.prefix, 'kv', key), [this.clock.now(), 'v'])) as Fields;
    return fields ? (JSON.parse(fields[0]!) as JsonValue) : undefined;
  }
  async set(key: string, value: JsonValue, ttlSeconds?: number): Promise<void> {
    const fields = ['v', JSON.stringify(value)];
    const args: (string | number)[] =
      ttlSeconds === undefined ? [0, ...fields] : [px(ttlSeconds * 1000), ...fields, 'e', this.clock.now() + ttlSeconds * 1000];
    await this.conn.eval('kv', SET, keyFor(this.conn.prefix, 'kv', key), args);
  }
  async delete(key: string): Promise<void> {
    await this.conn.del('kv', keyFor(this.conn.prefix, 'kv', key));
  }
}

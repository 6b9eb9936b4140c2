import type {
  AuditEvent,
  AuditPage,
  AuditQuery,
  AuditStore,
  Clock,
  JourneyLogStore,
  JourneyPage,
  JourneyQuery,
  JourneyRecord,
} from '@waymark/sdk';
import { ConfigInvalidError, matchesAuditQuery, matchesJourneyQuery, queryPageSize, systemClock } from '@waymark/core';
import { DEFAULT_PREFIX } from './defaults.js';
import { Connection, type RedisClient } from './lib/connection.js';
import { Batch } from './lib/batch.js';
import { AUDIT_APPEND, JOURNEY_PAGE, JOURNEY_RECORD } from './lib/control-scripts.js';

/** Options shared by the Redis audit store and journey log. */
interface RedisControlOptions {
  /** A connected client (`connectRedis`, or your own `Redis` or `Cluster`). */
  redis: RedisClient;
  /** Starts every key, as the stores' prefix does. Default `waymark:`. */
  prefix?: string;
  /** The clock retention is judged by; the engine's. Default: system time. */
  clock?: Clock;
  /** Events (journeys) kept at most. Default 10000. */
  capacity?: number;
  /** How long an event (a finished journey) is kept, in seconds. Default 86400 (a day) for journeys, 30 days for audit events. */
  retentionSeconds?: number;
}

export type RedisAuditStoreOptions = RedisControlOptions;
export type RedisJourneyLogStoreOptions = RedisControlOptions;

function checked(
  options: RedisControlOptions,
  subject: string,
  retentionDefault: number,
): { prefix: string; capacity: number; retentionMs: number } {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const problems = [];
  if (/[{}]/.test(prefix))
    problems.push({
      code: 'ERR_CONFIG_INVALID',
      pointer: '/prefix',
      message: `"${prefix}" must not contain { or } (Redis Cluster hash tags)`,
    });
  const capacity = options.capacity ?? 10_000;
  if (!(Number.isInteger(capacity) && capacity > 0))
    problems.push({ code: 'ERR_CONFIG_INVALID', pointer: '/capacity', message: 'must be a positive integer' });
  const retention = options.retentionSeconds ?? retentionDefault;
  if (!(Number.isInteger(retention) && retention > 0))
    problems.push({ code: 'ERR_CONFIG_INVALID', pointer: '/retentionSeconds', message: 'must be a positive integer of seconds' });
  if (problems.length > 0) throw new ConfigInvalidError(subject, problems);
  return { prefix, capacity, retentionMs: retention * 1000 };
}

const encode = (text: string) => Buffer.from(text).toString('base64url');
const decode = (cursor: string | undefined) => (cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString());

/** Stream entries are read this many at a time while a query filters them. */
const SCAN_BATCH = 500;

/**
 * Audit events in a capped Redis stream, `<prefix>{audit}:stream`: the appends of one
 * event-loop turn are one script (XADD with `MAXLEN ~ capacity` for each, in order, then
 * `XTRIM MINID ~` at the retention time: one round trip, however many events), so the stream
 * stays bounded in count and age whatever the traffic. Entry ids carry the event's time (on the
 * injected clock), so a query by time range reads from `from` on (XRANGE), oldest first, with
 * the last entry's id as its cursor. Every process of a deployment appends to the one stream.
 *
 * @example
 * const audit = new RedisAuditStore({ redis, capacity: 100_000, retentionSeconds: 90 * 86400 });
 * const { events, next } = await audit.query({ type: 'journey.ended', outcome: 'failure', from: t1, to: t2 });
 */
export class RedisAuditStore implements AuditStore {
  readonly #conn: Connection;
  readonly #clock: Clock;
  readonly #key: string;
  readonly #capacity: number;
  readonly #retentionMs: number;

  constructor(options: RedisAuditStoreOptions) {
    const { prefix, capacity, retentionMs } = checked(options, 'RedisAuditStore options', 30 * 86_400);
    this.#conn = new Connection(options.redis, prefix);
    this.#clock = options.clock ?? systemClock;
    this.#key = `${prefix}{audit}:stream`;
    this.#capacity = capacity;
    this.#retentionMs = retentionMs;
  }

  /* Time and JSON of each queued event, flat: the script's arguments as they are. */
  readonly #batch = new Batch<[number, string]>((events) => {
    const args: (string | number)[] = [this.#capacity, Math.max(0, this.#clock.now() - this.#retentionMs)];
    for (const [time, json] of events) args.push(time, json);
    return this.#conn.eval('audit', AUDIT_APPEND, this.#key, args);
  });

  /** Serialised now (a caller changing the event afterwards changes nothing), sent with the turn's other appends. */
  append(event: AuditEvent): Promise<void> {
    return this.#batch.add([Math.floor(event.time), JSON.stringify(event)]);
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    const limit = queryPageSize(query.limit);
    const oldest = this.#clock.now() - this.#retentionMs;
    const after = decode(query.cursor);
    let start = after !== undefined && /^\d+-\d+$/.test(after) ? `(${after}` : String(Math.max(0, query.from ?? 0));
    const events: AuditEvent[] = [];
    let lastId: string | undefined;
    for (;;) {
      const entries = (await this.#conn.client.xrange(this.#key, start, '+', 'COUNT', SCAN_BATCH)) as [string, string[]][];
      for (const [id, fields] of entries) {
        const idMs = Number(id.slice(0, id.indexOf('-')));
        // Ids never run behind the event's own time: past `to`, nothing later can match.
        if (query.to !== undefined && idMs >= query.to + 60_000) return { events };
        const json = fields[fields.indexOf('v') + 1];
        if (json === undefined) continue;
        const event = JSON.parse(json) as AuditEvent;
        if (event.time < oldest || !matchesAuditQuery(event, query)) continue;
        if (events.length === limit) return { events, next: encode(lastId as string) };
        events.push(event);
        lastId = id;
      }
      if (entries.length < SCAN_BATCH) return { events };
      start = `(${entries[entries.length - 1]![0]}`;
    }
  }
}

/**
 * Journeys kept for operators on Redis, bounded in count and, once finished, in time: a hash of
 * records, a sorted set by update order (the query order and cursor) and one of finished
 * journeys by expiry, all under the hash tag `{journeylog}` (one slot: every script is atomic,
 * Cluster included). The records of one event-loop turn are one script that also drops what expired and the least
 * recently updated past `capacity`.
 *
 * @example
 * const journeyLog = new RedisJourneyLogStore({ redis, capacity: 50_000, retentionSeconds: 86400 });
 */
export class RedisJourneyLogStore implements JourneyLogStore {
  readonly #conn: Connection;
  readonly #clock: Clock;
  readonly #keys: string[];
  readonly #capacity: number;
  readonly #retentionMs: number;

  constructor(options: RedisJourneyLogStoreOptions) {
    const { prefix, capacity, retentionMs } = checked(options, 'RedisJourneyLogStore options', 86_400);
    this.#conn = new Connection(options.redis, prefix);
    this.#clock = options.clock ?? systemClock;
    const base = `${prefix}{journeylog}`;
    this.#keys = [`${base}:records`, `${base}:order`, `${base}:expiry`, `${base}:seq`];
    this.#capacity = capacity;
    this.#retentionMs = retentionMs;
  }

  #expired(j: JourneyRecord): boolean {
    return j.endedAt !== undefined && j.endedAt + this.#retentionMs <= this.#clock.now();
  }

  /* Id, JSON and expiry of each queued record, flat: the script's arguments as they are. */
  readonly #batch = new Batch<[string, string, number]>((records) => {
    const args: (string | number)[] = [this.#clock.now(), this.#capacity];
    for (const [id, json, expiry] of records) args.push(id, json, expiry);
    return this.#conn.evalKeys('journeyLog', JOURNEY_RECORD, this.#keys, args);
  });

  /** Serialised now, sent with the turn's other records in one script (one round trip). */
  record(journey: JourneyRecord): Promise<void> {
    const expiry = journey.endedAt === undefined ? 0 : journey.endedAt + this.#retentionMs;
    return this.#batch.add([journey.id, JSON.stringify(journey), expiry]);
  }

  async get(id: string): Promise<JourneyRecord | undefined> {
    const json = (await this.#conn.client.hget(this.#keys[0]!, id)) as string | null;
    if (json === null) return undefined;
    const journey = JSON.parse(json) as JourneyRecord;
    return this.#expired(journey) ? undefined : journey;
  }

  async query(query: JourneyQuery): Promise<JourneyPage> {
    const limit = queryPageSize(query.limit);
    const cursor = Number(decode(query.cursor) ?? 0);
    let after = Number.isSafeInteger(cursor) && cursor > 0 ? cursor : 0;
    const journeys: JourneyRecord[] = [];
    let last = 0;
    for (;;) {
      const flat = (await this.#conn.evalKeys('journeyLog', JOURNEY_PAGE, this.#keys.slice(0, 2), [after, SCAN_BATCH])) as string[];
      for (let i = 0; i < flat.length; i += 2) {
        const seq = Number(flat[i]);
        after = seq;
        const json = flat[i + 1];
        if (!json) continue;
        const journey = JSON.parse(json) as JourneyRecord;
        if (this.#expired(journey) || !matchesJourneyQuery(journey, query)) continue;
        if (journeys.length === limit) return { journeys, next: encode(String(last)) };
        journeys.push(journey);
        last = seq;
      }
      if (flat.length < SCAN_BATCH * 2) return { journeys };
    }
  }
}

import { Redis } from 'ioredis';
import type { Clock, Stores } from '@waymark/sdk';
import { WaymarkError } from '@waymark/sdk';
import { ConfigInvalidError, systemClock } from '@waymark/core';
import { DEFAULT_PREFIX, REDIS_DEFAULTS } from './defaults.js';
import { Connection } from './lib/connection.js';
import type { RedisClient } from './lib/connection.js';
import { toStoreError } from './lib/errors.js';
import {
  RedisCounterStore,
  RedisJourneyStore,
  RedisKeyValueStore,
  RedisPushedRequestStore,
  RedisSessionStore,
  RedisTransactionStore,
} from './lib/stores.js';

export type { RedisClient } from './lib/connection.js';

export interface RedisStoresOptions {
  /**
   * A connected client (from `connectRedis`, or your own `Redis` or `Cluster`), or a URL. A
   * URL makes the stores open (and `close()` close) their own client with `REDIS_DEFAULTS`;
   * prefer `connectRedis` so that an unreachable server fails start-up.
   */
  redis: RedisClient | string;
  /** Starts every key; lets several deployments share a server. Default `waymark:`. */
  prefix?: string;
  /** The clock every expiry is judged by; the same one the engine uses. Default: system time. */
  clock?: Clock;
}

export type RedisHealth = { ok: true; latencyMs: number } | { ok: false; code: string; message: string };

export interface RedisStores extends Stores {
  /** The client the stores talk through. */
  readonly client: RedisClient;
  /** Commands sent to Redis so far by these stores; each is one round trip. */
  commands(): number;
  /** Resolves when Redis answers PING; rejects with ERR_STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  /** For /healthz: never throws. */
  health(): Promise<RedisHealth>;
  /** Closes the client when the stores opened it (a URL was given); otherwise does nothing. */
  close(): Promise<void>;
}

/**
 * Every Waymark store on Redis (standalone or Cluster). One round trip per call; every
 * read-check-write is one Lua script, atomic on the server; expiry follows `clock`.
 *
 * @example
 * const redis = await connectRedis('redis://127.0.0.1:6379');
 * const stores = createRedisStores({ redis, prefix: 'waymark:' });
 * await stores.journeys.put(id, sealed, null, 600);
 */
export function createRedisStores(options: RedisStoresOptions): RedisStores {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (/[{}]/.test(prefix))
    // A brace in the prefix would become the Cluster hash tag and put every key in one slot.
    throw new ConfigInvalidError('createRedisStores options', [
      {
        code: 'ERR_CONFIG_INVALID',
        pointer: '/prefix',
        message: `"${prefix}" must not contain { or }: they would become the Cluster hash tag and put every key in one slot.`,
      },
    ]);
  const clock = options.clock ?? systemClock;
  const owned = typeof options.redis === 'string';
  let client: RedisClient;
  if (typeof options.redis === 'string') {
    client = new Redis(options.redis, REDIS_DEFAULTS);
    client.on('error', () => {});
  } else {
    client = options.redis;
  }
  const conn = new Connection(client, prefix);

  return {
    journeys: new RedisJourneyStore(conn, clock),
    pushedRequests: new RedisPushedRequestStore(conn, clock),
    sessions: new RedisSessionStore(conn, clock),
    transactions: new RedisTransactionStore(conn, clock),
    counters: new RedisCounterStore(conn, clock),
    kv: new RedisKeyValueStore(conn, clock),
    client,
    commands: () => conn.commands,
    ping: () => conn.ping(),
    async health() {
      const started = performance.now();
      try {
        await conn.ping();
        return { ok: true, latencyMs: performance.now() - started };
      } catch (error) {
        const mapped = toStoreError('health', error);
        return {
          ok: false,
          code: mapped instanceof WaymarkError ? mapped.code : 'ERR_STORE_UNAVAILABLE',
          message: mapped instanceof Error ? mapped.message : String(mapped),
        };
      }
    },
    async close() {
      if (!owned || client.status === 'end') return;
      // Resolve once the connection is really gone, not when the server acknowledges QUIT.
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      await client.quit().catch(() => client.disconnect());
      await ended;
    },
  };
}

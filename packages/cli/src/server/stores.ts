import { createMemoryStores } from '@waymark/core';
import { createRedisRateLimiters } from '@waymark/redis';
import { createMemoryRateLimiters, type RateLimiterFactory } from '@waymark/express';
import type { Clock, Stores } from '@waymark/sdk';
import { configError, type ResolvedServerConfig } from './config.js';
import { connectRedisStores, describeRedis, parseRedisSetting } from './redis-config.js';

/** The stores a server runs on, how to describe them at start-up, and how to let them go. */
export interface ServerStores {
  stores: Stores;
  /** One line for the start-up log: `memory (single process)`, `redis redis://10.0.0.5:6379 (prefix waymark:)`. */
  description: string;
  /** Where every rate limit counts: Redis with the Redis stores (one budget for every process), memory otherwise. */
  rateLimiters: RateLimiterFactory;
  close(): Promise<void>;
}

/**
 * Builds the stores (and the rate limiters beside them) a configuration asks for: Redis when `redis` is set (a URL, `{ url,
 * prefix }`, `{ cluster: [...] }` or `{ sentinels: [...], name }`, see redis-config.ts) or
 * `WAYMARK_REDIS_URL` is in `env`; otherwise memory (the embedded default: one process,
 * nothing else to run).
 *
 * With Redis, several processes share pushed requests, journeys and sessions, so they must
 * seal journeys with the same keys: `secretKeys` (or WAYMARK_SECRET_KEYS) is then required
 * (ERR_CONFIG_INVALID). Redis is connected here, so an unreachable server stops start-up with
 * ERR_STORE_UNAVAILABLE naming where (without credentials) and the fix.
 *
 * @example
 * const { stores, description } = await createStoresFromConfig(config);
 */
export async function createStoresFromConfig(
  config: Pick<ResolvedServerConfig, 'redis'> & Partial<Pick<ResolvedServerConfig, 'secretKeys' | 'limits'>>,
  clock?: Clock,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ServerStores> {
  const redis = parseRedisSetting(config.redis, env);
  const maxJourneys = config.limits?.maxLiveJourneys;
  if (redis === undefined) {
    const memory = createMemoryStores(clock, maxJourneys !== undefined ? { maxJourneys } : {});
    return {
      stores: memory,
      description: 'memory (single process)',
      rateLimiters: createMemoryRateLimiters(),
      close: async () => memory.close(),
    };
  }
  if (maxJourneys !== undefined)
    throw configError('maxLiveJourneys', `caps the memory stores of one process; with Redis (${redis.source}) bound memory with Redis's maxmemory instead, and remove it`);
  if ((config.secretKeys ?? []).length === 0)
    throw configError(
      'secretKeys',
      `is required with Redis stores (${redis.source}): every process must seal journeys with the same keys to resume one another's. Set "secretKeys" (or WAYMARK_SECRET_KEYS) to the same 32-byte base64url key everywhere (node -e "console.log(crypto.randomBytes(32).toString('base64url'))")`,
    );
  const { stores: redisStores, close } = await connectRedisStores(redis, clock);
  // The six stores only: the engine wraps every member of `stores` as a store. The round-trip
  // counter stays reachable, non-enumerable, for benchmarks (`router.context.stores.commands()`).
  const { journeys, pushedRequests, sessions, transactions, counters, kv } = redisStores;
  const stores: Stores = { journeys, pushedRequests, sessions, transactions, counters, kv };
  Object.defineProperty(stores, 'commands', { value: () => redisStores.commands(), enumerable: false });
  return { stores, description: describeRedis(redis), rateLimiters: createRedisRateLimiters({ redis: redisStores.client, prefix: redis.prefix }), close };
}

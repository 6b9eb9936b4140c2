import { createMemoryStores } from '@waymark/core';
import {
  connectRedis,
  createRedisRateLimiters,
  createRedisStores,
  parseRedisSetting,
  RedisUnreachableError,
  redisLocation,
  type RedisClient,
  type RedisTopology,
} from '@waymark/redis';
import { createMemoryRateLimiters } from '@waymark/http';
import { WaymarkError, type Clock, type RateLimiterFactory, type Stores } from '@waymark/sdk';
import { configError, type ResolvedServerConfig } from './config.js';

/** The stores a server runs on, how to describe them at start-up, and how to let them go. */
export interface ServerStores {
  stores: Stores;
  /** One line for the start-up log: `memory (single process)`, `redis redis://10.0.0.5:6379 (prefix waymark:)`. */
  description: string;
  /** Where every rate limit counts: Redis with the Redis stores (one budget for every process), memory otherwise. */
  rateLimiters: RateLimiterFactory;
  /** With Redis: the client and prefix, for the control-plane stores beside these. */
  redis?: { client: RedisClient; prefix: string };
  close(): Promise<void>;
}

/** The `redis` setting, else WAYMARK_REDIS_URL, checked by @waymark/redis; undefined when neither is set. */
function redisTopology(raw: unknown, env: Readonly<Record<string, string | undefined>>): RedisTopology | undefined {
  if (raw !== undefined) return parseRedisSetting(raw, { at: '/redis', subject: 'config', source: 'the "redis" setting' });
  const url = env.WAYMARK_REDIS_URL?.trim();
  if (!url) return undefined;
  return parseRedisSetting(url, { at: '/WAYMARK_REDIS_URL', subject: 'environment', source: 'WAYMARK_REDIS_URL' });
}

/** Quits the client and resolves once the connection is really gone. */
async function quit(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  await client.quit().catch(() => client.disconnect());
  await ended;
}

/**
 * Builds the stores (and the rate limiters beside them) a configuration asks for: Redis when `redis` is set (a URL, `{ url,
 * prefix }`, `{ cluster: [...] }` or `{ sentinels: [...], name }`: @waymark/redis
 * `parseRedisSetting`) or `WAYMARK_REDIS_URL` is in `env`; otherwise memory (the embedded
 * default: one process, nothing else to run).
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
  const topology = redisTopology(config.redis, env);
  const maxJourneys = config.limits?.maxLiveJourneys;
  if (topology === undefined) {
    const memory = createMemoryStores(clock, maxJourneys !== undefined ? { maxJourneys } : {});
    return {
      stores: memory,
      description: 'memory (single process)',
      rateLimiters: createMemoryRateLimiters(),
      close: async () => memory.close(),
    };
  }
  if (maxJourneys !== undefined)
    throw configError(
      '/maxLiveJourneys',
      `caps the memory stores of one process; with Redis (${topology.source}) bound memory with Redis's maxmemory instead, and remove it`,
    );
  if ((config.secretKeys ?? []).length === 0)
    throw configError(
      '/secretKeys',
      `is required with Redis stores (${topology.source}): every process must seal journeys with the same keys to resume one another's. Set "secretKeys" (or WAYMARK_SECRET_KEYS) to the same 32-byte base64url key everywhere (node -e "console.log(crypto.randomBytes(32).toString('base64url'))")`,
    );
  let client: RedisClient;
  try {
    client = await connectRedis(topology);
  } catch (error) {
    if (!(error instanceof RedisUnreachableError)) throw error;
    // The one fix only a host with memory stores to fall back on can offer.
    throw new WaymarkError(
      'ERR_STORE_UNAVAILABLE',
      `${error.message} Or remove it to run on memory stores in a single process.`,
      error.details,
      {
        cause: error,
      },
    );
  }
  const redisStores = createRedisStores({ redis: client, prefix: topology.prefix, ...(clock ? { clock } : {}) });
  // The six stores only: the engine wraps every member of `stores` as a store. The round-trip
  // counter stays reachable, non-enumerable, for benchmarks (`router.context.stores.commands()`).
  const { journeys, pushedRequests, sessions, transactions, counters, kv } = redisStores;
  const stores: Stores = { journeys, pushedRequests, sessions, transactions, counters, kv };
  Object.defineProperty(stores, 'commands', { value: () => redisStores.commands(), enumerable: false });
  return {
    stores,
    description: `redis ${redisLocation(topology)} (prefix ${topology.prefix})`,
    rateLimiters: createRedisRateLimiters({ redis: client, prefix: topology.prefix }),
    redis: { client, prefix: topology.prefix },
    close: () => quit(client),
  };
}

import { Cluster, Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { REDIS_DEFAULTS } from './defaults.js';
import type { RedisClient } from './lib/connection.js';
import { RedisUnreachableError } from './lib/errors.js';
import { parseRedisSetting, redisLocation, type RedisTopology } from './setting.js';

function isTopology(target: unknown): target is RedisTopology {
  const kind = (target as { kind?: unknown } | null)?.kind;
  return kind === 'url' || kind === 'cluster' || kind === 'sentinel';
}

/** The client for a topology (not connected yet: `lazyConnect` is in `settings`). */
function clientFor(topology: RedisTopology, settings: RedisOptions): RedisClient {
  if (topology.kind === 'url') return new Redis(topology.url, settings);
  const auth: RedisOptions = {
    ...(topology.username ? { username: topology.username } : {}),
    ...(topology.password ? { password: topology.password } : {}),
  };
  if (topology.kind === 'cluster')
    return new Cluster(topology.nodes, {
      // The same fail-fast rules as a single client: nothing queued, reconnect in the background.
      enableOfflineQueue: false,
      lazyConnect: true,
      clusterRetryStrategy: settings.retryStrategy ?? REDIS_DEFAULTS.retryStrategy,
      redisOptions: { ...settings, ...auth },
    });
  return new Redis({
    ...settings,
    ...auth,
    sentinels: topology.sentinels,
    name: topology.name,
    db: topology.db,
    ...(topology.sentinelPassword ? { sentinelPassword: topology.sentinelPassword } : {}),
  });
}

/**
 * Connects to Redis with the fail-fast defaults (`REDIS_DEFAULTS`, overridable) and resolves
 * once the server answers PING, within `connectTimeout + commandTimeout`. Use it at start-up so
 * a wrong address or a down server stops the process with a clear error instead of a first
 * request failing: it rejects with ERR_STORE_UNAVAILABLE ({@link RedisUnreachableError}) naming
 * where (credentials removed), where the setting came from and the reason.
 *
 * `target` is a Redis URL, ioredis options for one server, or a topology from
 * {@link parseRedisSetting} (a URL, a Cluster, or a master named by Sentinel). A URL that is
 * not redis:// or rediss:// rejects with ERR_CONFIG_INVALID.
 *
 * @example
 * const redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * const stores = createRedisStores({ redis });
 * @example
 * const topology = parseRedisSetting({ cluster: ['10.0.0.1:6379', '10.0.0.2:6379'], password }, { at: '/redis' });
 * const cluster = await connectRedis(topology);
 * const stores = createRedisStores({ redis: cluster, prefix: topology.prefix });
 */
export async function connectRedis(target: string | RedisOptions, overrides?: RedisOptions): Promise<Redis>;
export async function connectRedis(target: RedisTopology, overrides?: RedisOptions): Promise<RedisClient>;
export async function connectRedis(target: string | RedisOptions | RedisTopology, overrides: RedisOptions = {}): Promise<RedisClient> {
  let settings: RedisOptions;
  let client: RedisClient;
  let where: string;
  let source: string | undefined;
  if (typeof target === 'string' || isTopology(target)) {
    const topology = typeof target === 'string' ? parseRedisSetting(target, { subject: 'redis' }) : target;
    settings = { ...REDIS_DEFAULTS, ...overrides, lazyConnect: true };
    client = clientFor(topology, settings);
    where = redisLocation(topology);
    source = typeof target === 'string' ? undefined : topology.source;
  } else {
    settings = { ...REDIS_DEFAULTS, ...target, lazyConnect: true };
    client = new Redis(settings);
    where = `${target.tls ? 'rediss' : 'redis'}://${target.host ?? '127.0.0.1'}:${target.port ?? 6379}/${target.db ?? 0}`;
  }
  // Failures reach callers as rejected commands (ERR_STORE_UNAVAILABLE); without a listener
  // ioredis would also print every reconnect failure to the console.
  client.on('error', () => {});
  const limit = (settings.connectTimeout ?? 10_000) + (settings.commandTimeout ?? 2000);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
      }),
    ]);
    return client;
  } catch (error) {
    client.disconnect();
    throw new RedisUnreachableError(where, error, source);
  } finally {
    clearTimeout(timer);
  }
}

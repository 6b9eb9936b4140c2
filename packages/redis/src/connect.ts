import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { WaymarkError } from '@waymark/sdk';
import { REDIS_DEFAULTS } from './defaults.js';
import { RedisUnreachableError, redactUrl } from './lib/errors.js';

/**
 * Connects to Redis with the fail-fast defaults (`REDIS_DEFAULTS`, overridable) and resolves
 * once the server answers PING. Use it at start-up so a wrong URL or a down server stops the
 * process with a clear error instead of a first request failing: it rejects with
 * ERR_STORE_UNAVAILABLE naming the URL (credentials removed) and the reason.
 *
 * Bad input (a URL that is not redis:// or rediss://) rejects with ERR_CONFIG_INVALID.
 *
 * @example
 * const redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * const stores = createRedisStores({ redis });
 */
export async function connectRedis(target: string | RedisOptions, options: RedisOptions = {}): Promise<Redis> {
  const settings: RedisOptions = { ...REDIS_DEFAULTS, ...(typeof target === 'string' ? options : target), lazyConnect: true };
  let where: string;
  let client: Redis;
  if (typeof target === 'string') {
    checkUrl(target);
    where = redactUrl(target);
    client = new Redis(target, settings);
  } else {
    where = `${target.tls ? 'rediss' : 'redis'}://${target.host ?? '127.0.0.1'}:${target.port ?? 6379}/${target.db ?? 0}`;
    client = new Redis(settings);
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
    throw new RedisUnreachableError(where, error);
  } finally {
    clearTimeout(timer);
  }
}

function checkUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:')
    throw new WaymarkError(
      'ERR_CONFIG_INVALID',
      `redis: "${redactUrl(url)}" is not a Redis URL; use redis://host:port/db (or rediss:// for TLS)`,
      {
        key: 'redis',
      },
    );
}

import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { WaymarkError, type RateLimitDecision, type RateLimiter, type RateLimiterFactory, type RateLimitSpec } from '@waymark/sdk';
import { DEFAULT_PREFIX } from './defaults.js';
import type { RedisClient } from './lib/connection.js';
import { toStoreError } from './lib/errors.js';

export interface RedisRateLimitersOptions {
  /** The connected client the stores use (`connectRedis`, or your own `Redis` or `Cluster` with `REDIS_DEFAULTS`). */
  redis: RedisClient;
  /** Starts every key, as the stores' prefix does. Default `waymark:`. */
  prefix?: string;
}

/* The same mapping as @waymark/http's memory limiters (a few lines, restated so that this package needs no HTTP package): msBeforeNext is the window's own remaining life (PTTL), so Retry-After is exact. */
function decisionOf(max: number, result: { consumedPoints: number; msBeforeNext: number } | null, spend: boolean): RateLimitDecision {
  if (result === null) return { allowed: true, remaining: max, retryAfterSeconds: 0 };
  const allowed = spend ? result.consumedPoints <= max : result.consumedPoints < max;
  const seconds = Math.ceil(Math.max(0, result.msBeforeNext) / 1000);
  return { allowed, remaining: Math.max(0, max - result.consumedPoints), retryAfterSeconds: allowed ? seconds : Math.max(1, seconds) };
}

/* A spent budget comes back as the library's result; anything else is Redis failing: fail closed (ERR_STORE_UNAVAILABLE, 503). */
function failure(error: unknown): unknown {
  return toStoreError('rate limit', error);
}

/**
 * Rate limiters on Redis (rate-limiter-flexible's `RateLimiterRedis`): the `RateLimiterFactory`
 * contract of @waymark/sdk, as `createMemoryRateLimiters` of @waymark/http is, so that every process
 * behind one issuer spends one budget. Each consume is one Lua script on one key (`SET NX EX`,
 * `INCRBY`, `PTTL`): atomic, one round trip, and Cluster-safe. A window opens with a key's first
 * point and ends `windowSeconds` later by the Redis server's clock. Keys:
 * `<prefix>rl:<limit name>:<key>`, e.g. `waymark:rl:par-source:mobile-app|203.0.113.9`.
 *
 * While Redis is unreachable every call rejects at once with ERR_STORE_UNAVAILABLE (the client
 * is not ready, or `REDIS_DEFAULTS` fail commands fast): the adapter answers 503, never lets a
 * request through unlimited. There is deliberately no in-memory fallback (an "insurance
 * limiter" would hand every process its own budget during an outage).
 *
 * @example
 * const redis = await connectRedis(url);
 * const router = createWaymarkRouter({ ..., stores: createRedisStores({ redis }), rateLimiters: createRedisRateLimiters({ redis }) });
 */
export function createRedisRateLimiters(options: RedisRateLimitersOptions): RateLimiterFactory {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (/[{}]/.test(prefix))
    throw new WaymarkError('ERR_CONFIG_INVALID', `prefix: "${prefix}" must not contain { or } (they are Redis Cluster hash tags)`, {
      key: 'prefix',
    });
  return function redisRateLimiter(spec: RateLimitSpec): RateLimiter {
    if (!/^[a-z0-9-]+$/.test(spec.name))
      throw new RangeError(`rate limit name "${spec.name}" must be lower-case letters, digits and dashes`);
    if (!(Number.isInteger(spec.max) && spec.max > 0 && Number.isInteger(spec.windowSeconds) && spec.windowSeconds > 0))
      throw new RangeError(`rate limit "${spec.name}": max and windowSeconds must be positive integers`);
    const limiter = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${prefix}rl:${spec.name}`,
      points: spec.max,
      duration: spec.windowSeconds,
      rejectIfRedisNotReady: true,
    });
    return {
      spec: Object.freeze({ ...spec }),
      async consume(key, points = 1) {
        try {
          return decisionOf(spec.max, await limiter.consume(key, points), true);
        } catch (rejected) {
          if (rejected instanceof RateLimiterRes) return decisionOf(spec.max, rejected, true);
          throw failure(rejected);
        }
      },
      async peek(key) {
        try {
          return decisionOf(spec.max, await limiter.get(key), false);
        } catch (error) {
          throw failure(error);
        }
      },
      async reset(key) {
        try {
          await limiter.delete(key);
        } catch (error) {
          throw failure(error);
        }
      },
    };
  };
}

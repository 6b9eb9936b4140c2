/**
 * @waymark/redis — Redis implementations of every Waymark store, for horizontal scale.
 */
export { createRedisStores } from './redis-stores.js';
export type { RedisStores, RedisStoresOptions, RedisHealth, RedisClient } from './redis-stores.js';
export { connectRedis } from './connect.js';
export { REDIS_DEFAULTS, DEFAULT_PREFIX } from './defaults.js';
export { RedisUnreachableError } from './lib/errors.js';
export { createRedisRateLimiters } from './rate-limiters.js';
export type { RedisRateLimiterFactory, RedisRateLimitersOptions } from './rate-limiters.js';

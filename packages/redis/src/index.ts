/**
 * @waymark/redis — Redis implementations of every Waymark store, for horizontal scale, and the
 * Redis topologies (one server, Cluster, Sentinel) a host connects them to.
 */
export { createRedisStores } from './redis-stores.js';
export type { RedisStores, RedisStoresOptions, RedisHealth, RedisClient } from './redis-stores.js';
export { connectRedis } from './connect.js';
export { parseRedisSetting, redisSettingSchema, redactRedisUrl, redisLocation } from './setting.js';
export type { RedisSetting, RedisTopology, RedisNode, ParseRedisSettingOptions } from './setting.js';
export { REDIS_DEFAULTS, DEFAULT_PREFIX } from './defaults.js';
export { RedisUnreachableError } from './lib/errors.js';
export { createRedisRateLimiters } from './rate-limiters.js';
export type { RedisRateLimitersOptions } from './rate-limiters.js';
export { RedisAuditStore, RedisJourneyLogStore } from './control-stores.js';
export type { RedisAuditStoreOptions, RedisJourneyLogStoreOptions } from './control-stores.js';
export { createRedisControlStores, RedisFlowStore, RedisClientStore } from './live-control-stores.js';
export type { RedisControlStores, RedisControlStoresOptions } from './live-control-stores.js';
export { RedisUserStore } from './user-store.js';
export type { RedisUserStoreOptions } from './user-store.js';

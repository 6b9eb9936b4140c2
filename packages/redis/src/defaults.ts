import type { RedisOptions } from 'ioredis';

/**
 * Connection options `connectRedis` and `createRedisStores` apply to the clients they create.
 * They make every command fail fast while Redis is unreachable (callers fail closed with
 * ERR_STORE_UNAVAILABLE, the adapter answers 503) and reconnect forever in the background, so
 * service resumes by itself. Spread them into your own client (or into `redisOptions` of a
 * Cluster) when you pass one in.
 *
 * @example
 * const redis = new Redis(url, { ...REDIS_DEFAULTS, password });
 */
export const REDIS_DEFAULTS = {
  /** Reject commands while disconnected instead of queueing them for an unknown time. */
  enableOfflineQueue: false,
  /** Reject the commands in flight when the connection drops; never resend one (a resent
   * take or consume could hand a single-use item to a caller who already gave up). */
  maxRetriesPerRequest: 0,
  /** Never resend unanswered commands after a reconnect, for the same reason. */
  autoResendUnfulfilledCommands: false,
  /** A server that accepts the connection but hangs must not hang the request: 2 s is far
   * above a healthy round trip (well under 1 ms on a LAN) and well below an HTTP timeout. */
  commandTimeout: 2000,
  /** Give up one connection attempt after 2 s; the next one follows the retry strategy. */
  connectTimeout: 2000,
  /** Reconnect forever: 50 ms, 100 ms, 200 ms … capped at 1 s, so recovery is quick and a
   * down server is not hammered. */
  retryStrategy: (attempt: number): number => Math.min(50 * 2 ** Math.max(0, attempt - 1), 1000),
  /** Detect a dead peer on an idle connection. */
  keepAlive: 10_000,
} satisfies RedisOptions;

/** The key prefix: every key the stores write starts with it. */
export const DEFAULT_PREFIX = 'waymark:';

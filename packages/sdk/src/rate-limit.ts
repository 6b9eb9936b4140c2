/**
 * The rate-limit contract of Waymark (types only). Every limit (PAR, journey starts, client
 * authentication failures; the admin API and the gateway later) spends budget through a
 * `RateLimiter`, made per limit by a `RateLimiterFactory`. The contract lives here so that
 * every implementation declares it without importing another: `createMemoryRateLimiters` in
 * `@waymark/http` (one process) and `createRedisRateLimiters` in `@waymark/redis` (several
 * processes, one budget). No HTTP here: answering 429 with `Retry-After` is the caller's job.
 */

/** One limit: at most `max` points per key in every window of `windowSeconds`. */
export interface RateLimitSpec {
  /** Names the limit (lower-case letters, digits and dashes); keys of different limits never collide (`par-source`, `journey-start-client`…). */
  name: string;
  /** Points one key may spend per window, a positive integer. */
  max: number;
  /** The window, in whole seconds: it opens with a key's first point and closes `windowSeconds` later. */
  windowSeconds: number;
}

/** What a limiter answers for one key. */
export interface RateLimitDecision {
  /** False when the key is past its budget (after `consume`: this request is one too many). */
  allowed: boolean;
  /** Points left in the current window (0 when spent). */
  remaining: number;
  /**
   * Whole seconds until the window ends and the budget is back: the `Retry-After` value of a
   * 429 (RFC 6585 §4, RFC 9110 §10.2.3), rounded up and at least 1 when `allowed` is false.
   */
  retryAfterSeconds: number;
}

/**
 * The limiter of one limit.
 *
 * @example
 * const { allowed, retryAfterSeconds } = await limiter.consume(`${clientId}|${ip}`);
 * if (!allowed) answer429(retryAfterSeconds);
 */
export interface RateLimiter {
  readonly spec: Readonly<RateLimitSpec>;
  /** Spends `points` (default 1) of `key`'s budget. Spending past the budget is still counted. */
  consume(key: string, points?: number): Promise<RateLimitDecision>;
  /** The key's state without spending anything: `allowed` is false once the budget is spent. */
  peek(key: string): Promise<RateLimitDecision>;
  /** Forgets `key`: its budget is whole again. */
  reset(key: string): Promise<void>;
}

/**
 * Makes the limiter of one limit; every limit of a router comes from the same factory. A spec
 * it cannot honour (a bad name, a max or window that is not a positive integer) throws a
 * `RangeError` naming the limit, at start-up.
 */
export type RateLimiterFactory = (spec: RateLimitSpec) => RateLimiter;

/**
 * The one rate-limit contract of Waymark. Every limit (PAR, journey starts, client
 * authentication failures; later the admin API and the gateway) spends budget through a
 * `RateLimiter`; a `RateLimiterFactory` makes one per limit, in memory for a single process
 * (`createMemoryRateLimiters`) or on Redis for several (`createRedisRateLimiters` in
 * @waymark/redis). Both are backed by rate-limiter-flexible: a fixed window per key that opens
 * with the key's first point and closes `windowSeconds` later.
 *
 * No HTTP here: answering 429 with `Retry-After` is the caller's job.
 */

/** One limit: at most `max` points per key in every window of `windowSeconds`. */
export interface RateLimitSpec {
  /** Names the limit; keys of different limits never collide (`par-source`, `journey-start`…). */
  name: string;
  max: number;
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

export interface RateLimiter {
  readonly spec: Readonly<RateLimitSpec>;
  /** Spends `points` (default 1) of `key`'s budget. Spending past the budget is still counted. */
  consume(key: string, points?: number): Promise<RateLimitDecision>;
  /** The key's state without spending anything: `allowed` is false once the budget is spent. */
  peek(key: string): Promise<RateLimitDecision>;
  /** Forgets `key`: its budget is whole again. */
  reset(key: string): Promise<void>;
}

/** Makes the limiter of one limit; every limit of a router comes from the same factory. */
export type RateLimiterFactory = (spec: RateLimitSpec) => RateLimiter;

/** The shape rate-limiter-flexible answers with (`RateLimiterRes`). */
export interface LimiterResult {
  consumedPoints: number;
  msBeforeNext: number;
}

/**
 * A decision from a rate-limiter-flexible result. `msBeforeNext` is exact (the window's own
 * remaining life), so `Retry-After` tells the client when to come back, not a guess.
 */
export function decisionOf(max: number, result: LimiterResult | null, spend: boolean): RateLimitDecision {
  if (result === null) return { allowed: true, remaining: max, retryAfterSeconds: 0 };
  const allowed = spend ? result.consumedPoints <= max : result.consumedPoints < max;
  const seconds = Math.ceil(Math.max(0, result.msBeforeNext) / 1000);
  return { allowed, remaining: Math.max(0, max - result.consumedPoints), retryAfterSeconds: allowed ? seconds : Math.max(1, seconds) };
}

/** Checks a spec at start-up: a RangeError names the limit and what is wrong. */
export function checkRateLimitSpec(spec: RateLimitSpec): void {
  if (!/^[a-z0-9-]+$/.test(spec.name)) throw new RangeError(`rate limit name "${spec.name}" must be lower-case letters, digits and dashes`);
  if (!(Number.isInteger(spec.max) && spec.max > 0)) throw new RangeError(`rate limit "${spec.name}": max must be a positive integer`);
  if (!(Number.isInteger(spec.windowSeconds) && spec.windowSeconds > 0))
    throw new RangeError(`rate limit "${spec.name}": windowSeconds must be a positive integer`);
}

import type { RateLimitDecision, RateLimitSpec } from '@waymark/sdk';

/*
 * What the rate-limiter-flexible backed limiters share: the decision from the library's
 * result, and the start-up check of a spec. The contract itself (`RateLimiter`,
 * `RateLimiterFactory`) is in `@waymark/sdk`.
 */

/** The shape rate-limiter-flexible answers with (`RateLimiterRes`). */
export interface LimiterResult {
  consumedPoints: number;
  msBeforeNext: number;
}

/**
 * A decision from a rate-limiter-flexible result (`null`: the key has spent nothing).
 * `msBeforeNext` is exact (the window's own remaining life), so `Retry-After` tells the client
 * when to come back, not a guess. `spend` says whether the result follows a consume (the
 * request counted is allowed up to `max`) or a peek (allowed while below `max`).
 */
export function decisionOf(max: number, result: LimiterResult | null, spend: boolean): RateLimitDecision {
  if (result === null) return { allowed: true, remaining: max, retryAfterSeconds: 0 };
  const allowed = spend ? result.consumedPoints <= max : result.consumedPoints < max;
  const seconds = Math.ceil(Math.max(0, result.msBeforeNext) / 1000);
  return { allowed, remaining: Math.max(0, max - result.consumedPoints), retryAfterSeconds: allowed ? seconds : Math.max(1, seconds) };
}

/**
 * Checks a spec at start-up: a RangeError names the limit and what is wrong.
 *
 * @example
 * checkRateLimitSpec({ name: 'par-source', max: 60, windowSeconds: 60 }); // fine
 * checkRateLimitSpec({ name: 'PAR', max: 0, windowSeconds: 60 });         // RangeError
 */
export function checkRateLimitSpec(spec: RateLimitSpec): void {
  if (!/^[a-z0-9-]+$/.test(spec.name)) throw new RangeError(`rate limit name "${spec.name}" must be lower-case letters, digits and dashes`);
  if (!(Number.isInteger(spec.max) && spec.max > 0)) throw new RangeError(`rate limit "${spec.name}": max must be a positive integer`);
  if (!(Number.isInteger(spec.windowSeconds) && spec.windowSeconds > 0))
    throw new RangeError(`rate limit "${spec.name}": windowSeconds must be a positive integer`);
}

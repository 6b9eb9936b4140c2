import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimiter, RateLimiterFactory, RateLimitSpec } from '@waymark/sdk';
import { checkRateLimitSpec, decisionOf } from './decision.js';

/**
 * Rate limiters in this process's memory (rate-limiter-flexible's `RateLimiterMemory`): the
 * embedded default, right for one process. Each key's window lives in a Map and is dropped by
 * its own unref'd timer when it ends, so idle keys cost nothing. Windows follow the system
 * time (`Date.now()`; the library has no clock hook): tests that need a window to end move
 * the system time (jest's fake `Date`), never sleep. Several processes need
 * `createRedisRateLimiters` (@waymark/redis) so that they share one budget.
 *
 * @example
 * const limiters = createMemoryRateLimiters();
 * const par = limiters({ name: 'par-source', max: 60, windowSeconds: 60 });
 * const { allowed, retryAfterSeconds } = await par.consume(`${clientId}|${ip}`);
 */
export function createMemoryRateLimiters(): RateLimiterFactory {
  return function memoryRateLimiter(spec: RateLimitSpec): RateLimiter {
    checkRateLimitSpec(spec);
    const limiter = new RateLimiterMemory({ keyPrefix: spec.name, points: spec.max, duration: spec.windowSeconds });
    return {
      spec: Object.freeze({ ...spec }),
      async consume(key: string, points = 1): Promise<RateLimitDecision> {
        try {
          return decisionOf(spec.max, await limiter.consume(key, points), true);
        } catch (rejected) {
          // The library rejects with its result when the budget is spent; anything else is a bug.
          if (rejected instanceof RateLimiterRes) return decisionOf(spec.max, rejected, true);
          throw rejected;
        }
      },
      async peek(key: string): Promise<RateLimitDecision> {
        return decisionOf(spec.max, await limiter.get(key), false);
      },
      async reset(key: string): Promise<void> {
        await limiter.delete(key);
      },
    };
  };
}

/**
 * Rate limiting: one contract (`RateLimiter`) and its in-memory implementation. No express
 * import here: this folder moves to @waymark/http as it is.
 */
export { createMemoryRateLimiters } from './memory.js';
export { decisionOf, checkRateLimitSpec } from './rate-limiter.js';
export type { RateLimiter, RateLimiterFactory, RateLimitSpec, RateLimitDecision, LimiterResult } from './rate-limiter.js';

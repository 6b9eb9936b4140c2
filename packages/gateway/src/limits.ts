import type { RateLimitDecision, RateLimiter, RateLimiterFactory } from '@waymark/sdk';
import type { RateLimitSettings } from './config/types.js';

/*
 * A route's rate limits (PingGateway's MCP throttling: per route, tool, client or identity) on
 * the RateLimiter contract of @waymark/sdk: memory in one process, Redis
 * (`createRedisRateLimiters`) for one budget across every gateway process.
 */

/** Who a call is, for the limits. */
export interface LimitSubject {
  tool?: string | undefined;
  clientId?: string | undefined;
  sub?: string | undefined;
}

export interface RouteLimits {
  /** Spends one point of every limit that applies; the first one spent answers (429 + Retry-After). */
  consume(who: LimitSubject): Promise<RateLimitDecision | undefined>;
}

interface Bound {
  settings: RateLimitSettings;
  limiter: RateLimiter;
}

export function routeLimits(route: string, settings: readonly RateLimitSettings[] | undefined, factory: RateLimiterFactory): RouteLimits {
  const bound: Bound[] = (settings ?? []).map((s, i) => ({
    settings: s,
    limiter: factory({ name: `gw-${route}-${i}-${s.per}`, max: s.max, windowSeconds: s.windowSeconds }),
  }));
  return {
    async consume(who) {
      let refused: RateLimitDecision | undefined;
      for (const { settings: s, limiter } of bound) {
        if (s.tool !== undefined && s.tool !== who.tool) continue;
        const key = s.per === 'route' ? '*' : s.per === 'tool' ? who.tool : s.per === 'client' ? who.clientId : who.sub;
        // A limit per tool does not apply to a method that names none (tools/list, initialize).
        if (key === undefined) continue;
        const decision = await limiter.consume(encodeURIComponent(key));
        if (!decision.allowed && (refused === undefined || decision.retryAfterSeconds > refused.retryAfterSeconds)) refused = decision;
      }
      return refused;
    },
  };
}

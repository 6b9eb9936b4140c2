import { rateLimitSource } from '@waymark/http';
import type { RateLimitDecision, RateLimiter, RateLimiterFactory } from '@waymark/sdk';
import type { Client } from '../clients/types.js';
import type { ClientRateLimit } from '../defaults.js';
import { HttpError } from '../errors.js';

/** 429 (RFC 6585 §4); `@waymark/http`'s error table adds `Retry-After` from `retryAfterSeconds` (RFC 9110 §10.2.3). */
export function rateLimited(message: string, decision: RateLimitDecision): HttpError {
  return new HttpError('ERR_RATE_LIMITED', message, { retryAfterSeconds: decision.retryAfterSeconds });
}

/** Spends a client budget: per client and source for unauthenticated callers, per client for authenticated ones. */
export interface ClientBudget {
  readonly limit: Required<ClientRateLimit>;
  /**
   * Spends one request of `client` from `ip`. `perSource` false (an authenticated confidential
   * client) spends the client-wide budget only. The first budget that is spent decides; a
   * refused source does not spend the client-wide budget.
   */
  spend(client: Client, ip: string, perSource: boolean): Promise<RateLimitDecision>;
}

/** The two limiters of one client budget, named `<name>-source` and `<name>-client`. */
export function clientBudget(limiters: RateLimiterFactory, name: string, limit: Required<ClientRateLimit>): ClientBudget {
  const perSource: RateLimiter = limiters({ name: `${name}-source`, max: limit.max, windowSeconds: limit.windowSeconds });
  const perClient: RateLimiter = limiters({ name: `${name}-client`, max: limit.clientMax, windowSeconds: limit.windowSeconds });
  return {
    limit,
    async spend(client, ip, bySource) {
      const id = encodeURIComponent(client.clientId);
      if (bySource) {
        const source = await perSource.consume(`${id}|${rateLimitSource(ip)}`);
        if (!source.allowed) return source;
      }
      return perClient.consume(id);
    },
  };
}

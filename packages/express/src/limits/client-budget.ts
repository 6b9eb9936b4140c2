import { isIP } from 'node:net';
import type { Client } from '../clients/types.js';
import type { ClientRateLimit } from '../defaults.js';
import { HttpError } from '../errors.js';
import type { RateLimitDecision, RateLimiter, RateLimiterFactory } from '../rate-limit/index.js';

/**
 * The source a budget is counted for: the IP, or for IPv6 its /64 (RFC 4291 §2.5.4: one
 * subscriber's network; a host picks any of its 2^64 interface ids, so counting per address
 * would count nothing).
 */
export function sourceOf(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** 429 with `Retry-After` (RFC 6585 §4; RFC 9110 §10.2.3: delay-seconds). */
export function rateLimited(message: string, decision: RateLimitDecision): HttpError {
  return new HttpError('ERR_RATE_LIMITED', message, {}, { headers: { 'Retry-After': String(decision.retryAfterSeconds) } });
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
        const source = await perSource.consume(`${id}|${sourceOf(ip)}`);
        if (!source.allowed) return source;
      }
      return perClient.consume(id);
    },
  };
}

import type { RequestHandler } from 'express';
import type { Client } from '../../clients/types.js';
import { locals } from '../../lib/locals.js';
import { rateLimited } from '../../limits/client-budget.js';
import type { RouterContext } from '../../options.js';

/**
 * RFC 9126 §2.3: 429 when a client goes beyond its budget (`parRateLimit`). Runs after every
 * check, so only a request that would be stored spends budget: junk (400) and failed
 * authentication (401) spend nothing, and naming a public client's id is not enough to spend
 * its budget. A public client is counted per source IP under a client-wide ceiling; an
 * authenticated client per client. `Retry-After` is the time left in the window that is spent.
 */
export function rateLimit(ctx: RouterContext): RequestHandler {
  const budget = ctx.limits.par;
  return async function rateLimit(_req, res, next) {
    if (!budget) {
      next();
      return;
    }
    const state = locals(res);
    const client = state.client as Client;
    const decision = await budget.spend(client, state.clientIp ?? 'unknown', client.isPublic);
    if (!decision.allowed) throw rateLimited('too many pushed authorization requests; retry later', decision);
    next();
  };
}

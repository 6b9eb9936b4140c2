import type { RequestHandler } from 'express';
import { HttpError } from '../../errors.js';
import { locals } from '../../lib/locals.js';
import type { RouterContext } from '../../options.js';

/**
 * RFC 9126 §2.3: 429 when a client goes beyond its budget. Counted per authenticated client,
 * after authentication, so that nobody can spend another client's budget. `Retry-After` is the
 * window length: an upper bound, since the counter store does not report the time left.
 */
export function rateLimit(ctx: RouterContext): RequestHandler {
  return async function rateLimit(_req, res, next) {
    const limit = ctx.parRateLimit;
    const client = locals(res).client;
    if (limit === false || !client) {
      next();
      return;
    }
    const count = await ctx.stores.counters.increment(`waymark:par-rate:${client.clientId}`, limit.windowSeconds);
    if (count > limit.max)
      throw new HttpError('ERR_RATE_LIMITED', 'too many pushed authorization requests; retry later', {}, { headers: { 'Retry-After': String(limit.windowSeconds) } });
    next();
  };
}

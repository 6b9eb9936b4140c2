import { rateLimitSource } from '@waymark/http';
import { WaymarkError } from '@waymark/sdk';
import type { Client } from '../clients/types.js';
import { rateLimited } from '../limits/client-budget.js';
import type { RouterContext } from '../options.js';
import { authenticateClient } from './authenticate-client.js';
import type { PresentedCredentials } from './presented-credentials.js';

const MESSAGE = 'too many failed client authentications from this address; retry later';

/**
 * `authenticateClient`, with failures counted per client and source IP
 * (`authFailureRateLimit`). Once a source has failed `max` times in the window, every attempt
 * it makes for that client is refused with 429 and `Retry-After` before any credential is
 * checked, the right secret included: otherwise the 429 would only hide which guess was right.
 * Other sources are untouched, so an attacker cannot lock the real client out. A request that
 * presents no credential (`none`) has nothing to guess and is not counted. Synchronous
 * (undefined) when nothing needs awaiting, as `authenticateClient` is.
 */
export function authenticateClientLimited(
  ctx: RouterContext,
  client: Client,
  presented: PresentedCredentials,
  ip: string | undefined,
): Promise<void> | undefined {
  const limiter = ctx.limits.authFailures;
  if (!limiter || presented.method === 'none') return authenticateClient(ctx, client, presented);
  const key = `${encodeURIComponent(client.clientId)}|${rateLimitSource(ip ?? 'unknown')}`;
  return limiter.peek(key).then(async (state) => {
    if (!state.allowed) throw rateLimited(MESSAGE, state);
    try {
      await authenticateClient(ctx, client, presented);
    } catch (error) {
      if (error instanceof WaymarkError && error.code === 'ERR_INVALID_CLIENT') await limiter.consume(key);
      throw error;
    }
  });
}

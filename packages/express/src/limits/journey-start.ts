import type { Client } from '../clients/types.js';
import type { RouterContext } from '../options.js';
import { rateLimited } from './client-budget.js';

/**
 * Spends one journey start of `client` from `ip` (`journeyStartRateLimit`), or throws 429 with
 * `Retry-After`. Called once the request is valid and the journey is about to start, so a
 * refused or malformed request spends nothing. `authenticated` (a confidential client that
 * proved itself) counts against the client-wide budget only.
 */
export async function spendJourneyStart(ctx: RouterContext, client: Client, ip: string | undefined, authenticated: boolean): Promise<void> {
  const budget = ctx.limits.journeyStart;
  if (!budget) return;
  const decision = await budget.spend(client, ip ?? 'unknown', !authenticated);
  if (!decision.allowed) throw rateLimited('too many journeys started; retry later', decision);
}

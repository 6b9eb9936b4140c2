import { createHash } from 'node:crypto';
import { verifyDpopProof } from '@waymark/access-token';
import type { JsonObject, NodeContext } from '@waymark/sdk';

/**
 * Why a sender-constrained token may not be used here, or undefined when it may (or is a plain
 * bearer token). RFC 7800 §3.1 `cnf`: a token bound to a key is valid only with proof of that
 * key. A DPoP binding (`cnf.jkt`, RFC 9449 §6.1) needs the `DPoP` proof of the request it came
 * with, checked against that request's method and URL (which the adapter sets for the PAR
 * request of the push phase: a browser request carries no proof, so a bound token validates at
 * PAR only) and accepted once (its `jti` counted in `stores.counters`). Any other binding
 * (`x5t#S256`, RFC 8705) cannot be checked here and is refused, never taken for a bearer token.
 */
export async function bindingProblem(ctx: NodeContext, token: string, claims: JsonObject, clockToleranceSeconds: number): Promise<string | undefined> {
  const cnf = claims['cnf'];
  if (cnf === undefined) return undefined;
  const jkt = cnf !== null && typeof cnf === 'object' && !Array.isArray(cnf) ? cnf['jkt'] : undefined;
  if (typeof jkt !== 'string' || jkt === '') return 'unsupported_binding';
  const counters = ctx.services.stores.counters;
  const checked = await verifyDpopProof({
    proof: ctx.request.headers['dpop'],
    method: ctx.request.method,
    url: ctx.request.url,
    accessToken: token,
    jkt,
    clock: ctx.services.clock,
    clockToleranceSeconds,
    // RFC 9449 §11.1: one use per proof; the key is hashed so a long jti cannot grow the store's keys.
    firstUse: async (key, windowSeconds) =>
      (await counters.increment(`dpop:jti:${createHash('sha256').update(key).digest('base64url')}`, windowSeconds)) === 1,
  });
  return checked.ok ? undefined : checked.error.reason;
}

import type { RequestHandler } from 'express';
import { authenticateClientLimited } from '../../client-auth/failure-limit.js';
import { invalidClient, presentedCredentials } from '../../client-auth/presented-credentials.js';
import { locals, params } from '../../lib/locals.js';
import type { RouterContext } from '../../options.js';

/**
 * Identifies the client from its credentials and authenticates it by its registered method
 * (RFC 9126 §2: "the authorization server MUST authenticate the client" as at the token
 * endpoint; public clients send their client_id). Unknown client → 401 invalid_client; too many
 * failures from one source → 429 (see failure-limit.ts).
 */
export function authenticate(ctx: RouterContext): RequestHandler {
  return function authenticate(req, res, next) {
    const presented = presentedCredentials(req.headers, params(res));
    const client = ctx.clients.get(presented.clientId);
    if (!client) throw invalidClient('unknown client', presented.method === 'client_secret_basic');
    locals(res).client = client;
    const done = () => {
      locals(res).authenticated = true;
      next();
    };
    // Synchronous unless the method needs a key set (private_key_jwt): no promise per PAR otherwise.
    const pending = authenticateClientLimited(ctx, client, presented, locals(res).clientIp);
    if (pending !== undefined) return pending.then(done);
    done();
    return undefined;
  };
}

import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Client } from '../../clients/types.js';
import { locals, params } from '../../lib/locals.js';
import { CLIENT_AUTH_PARAMETERS, REQUEST_URI_PREFIX } from '../../lib/oauth-parameters.js';
import { sendJson } from '../../lib/respond.js';
import type { RouterContext } from '../../options.js';

/**
 * Stores the pushed request under a fresh reference and answers 201 (RFC 9126 §2.2). The
 * reference is 256 random bits, base64url (§7.1 asks for enough entropy that it cannot be
 * guessed); it lives `par_reference_timeout` seconds. Client credentials are not stored; the
 * client's own `ip` parameter, if pushed, is kept as a parameter beside the observed IP, for a
 * flow node to compare.
 */
export function storePushedRequest(ctx: RouterContext): RequestHandler {
  return async function storePushedRequest(_req, res) {
    const client = locals(res).client as Client;
    const stored: Record<string, string> = {};
    for (const [name, value] of Object.entries(params(res))) if (!CLIENT_AUTH_PARAMETERS.has(name)) stored[name] = value;
    stored['client_id'] = client.clientId;
    const id = randomBytes(32).toString('base64url');
    const now = ctx.clock.now();
    const ttl = client.parReferenceTimeout;
    await ctx.stores.pushedRequests.put(
      id,
      { clientId: client.clientId, params: stored, ip: locals(res).clientIp ?? 'unknown', createdAt: now, expiresAt: now + ttl * 1000 },
      ttl,
    );
    sendJson(res, 201, { request_uri: `${REQUEST_URI_PREFIX}${id}`, expires_in: ttl });
  };
}

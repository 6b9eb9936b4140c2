import { randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Client } from '../../clients/types.js';
import { locals, params } from '../../lib/locals.js';
import { CLIENT_AUTH_PARAMETERS, REQUEST_URI_PREFIX, TOKEN_PARAMETERS } from '../../lib/oauth-parameters.js';
import { sendJson } from '../../lib/respond.js';
import type { RouterContext } from '../../options.js';

const pushedOf = new WeakMap<Response, Readonly<Record<string, string>>>();

/**
 * The authorization parameters of a pushed request: what was pushed, without client
 * credentials, with the client's id. Built once per request and frozen (the push phase hands
 * this very record to the engine, and the store step reads it again).
 */
export function pushedParameters(res: Response, client: Client): Readonly<Record<string, string>> {
  let pushed = pushedOf.get(res);
  if (pushed === undefined) {
    const built: Record<string, string> = {};
    const p = params(res);
    for (const name in p) if (!CLIENT_AUTH_PARAMETERS.has(name)) built[name] = p[name] as string;
    built['client_id'] = client.clientId;
    pushed = Object.freeze(built);
    pushedOf.set(res, pushed);
  }
  return pushed;
}

/**
 * Stores the pushed request under a fresh reference and answers 201 (RFC 9126 §2.2). The
 * reference is 256 random bits, base64url (§7.1 asks for enough entropy that it cannot be
 * guessed); it lives `par_reference_timeout` seconds. The record holds no secret: client
 * credentials are dropped, and a pushed token (`subject_token`, …) is never kept in clear — the
 * journey the push phase started holds it sealed (`journey`), if its flow still needs it. The
 * client's own `ip` parameter, if pushed, is kept as a parameter beside the observed IP, for a
 * flow node to compare.
 */
export function storePushedRequest(ctx: RouterContext): RequestHandler {
  return async function storePushedRequest(_req, res) {
    const client = locals(res).client as Client;
    const pushed = pushedParameters(res, client);
    const stored: Record<string, string> = {};
    for (const name in pushed) if (!TOKEN_PARAMETERS.has(name)) stored[name] = pushed[name] as string;
    const id = randomBytes(32).toString('base64url');
    const now = ctx.clock.now();
    const ttl = client.parReferenceTimeout;
    const journey = locals(res).pushedJourney;
    await ctx.stores.pushedRequests.put(
      id,
      {
        clientId: client.clientId,
        params: stored,
        ip: locals(res).clientIp ?? 'unknown',
        createdAt: now,
        expiresAt: now + ttl * 1000,
        ...(journey !== undefined ? { journey } : {}),
      },
      ttl,
    );
    sendJson(res, 201, { request_uri: `${REQUEST_URI_PREFIX}${id}`, expires_in: ttl });
  };
}

import type { RequestHandler } from 'express';
import { authenticateClientLimited } from '../../client-auth/failure-limit.js';
import { invalidClient, presentedCredentials } from '../../client-auth/presented-credentials.js';
import { locals } from '../../lib/locals.js';
import type { RouterContext } from '../../options.js';

/**
 * The caller of `POST /policies/evaluate` is a policy enforcement point: a `service` client
 * authenticating with its registered method (client_secret_basic in the usual case), as AIC
 * asks a PEP to authenticate before it may ask for decisions. Credentials ride in the
 * Authorization header only: the JSON body is the evaluation, not a form.
 */
export function authenticateServiceClient(ctx: RouterContext): RequestHandler {
  return async function authenticateServiceClient(req, res, next) {
    if (req.headers.authorization === undefined) throw invalidClient('authenticate as a service client (client_secret_basic)', true);
    const presented = presentedCredentials(req.headers, {});
    const client = ctx.clients.get(presented.clientId);
    if (!client) throw invalidClient('unknown client', true);
    await authenticateClientLimited(ctx, client, presented, locals(res).clientIp);
    if (client.type !== 'service') throw invalidClient('only "service" clients may evaluate policies', true);
    locals(res).client = client;
    locals(res).authenticated = true;
    next();
  };
}

import type { RequestHandler } from 'express';
import { HttpError } from '../../errors.js';
import { clientIp } from '../../middleware/client-ip.js';
import { parseFormParams, readFormBody, requireFormContentType } from '../../middleware/form-body.js';
import { noStore } from '../../middleware/security-headers.js';
import type { RouterContext } from '../../options.js';
import { authenticate } from './authenticate.js';
import { checkAuthorizationRequest } from './check-authorization-request.js';
import { checkParameterNames } from './check-parameters.js';
import { observePar } from './observe.js';
import { runPushPhase } from './push-phase.js';
import { rateLimit } from './rate-limit.js';
import { rejectRequestObjects } from './reject-request-objects.js';
import { storePushedRequest } from './store-request.js';

/**
 * `POST /par` — OAuth 2.0 Pushed Authorization Requests (RFC 9126), read top to bottom.
 */
export function parSteps(ctx: RouterContext): RequestHandler[] {
  return [
    observePar(ctx), //                  metrics and access log when the response finishes
    noStore(), //                        §2.2: Cache-Control: no-store
    clientIp(ctx), //                    socket peer, or X-Forwarded-For through trusted proxies
    requireFormContentType(), //         §2.1: application/x-www-form-urlencoded only
    readFormBody(ctx.bodyLimit), //      §2.3: 413 past the body limit
    parseFormParams(), //                RFC 6749 §3.1: no duplicates, empty = omitted
    rejectRequestObjects(), //           §2.1: no request_uri; §3: no request object (request_not_supported)
    authenticate(ctx), //                §2: client authentication as at the token endpoint
    checkParameterNames(), //            standard parameters + the client's allowed_pushed_parameters
    checkAuthorizationRequest(), //      §2.1: validated as the authorize endpoint would (scope, target, flow…)
    runPushPhase(ctx), //                §2.1: the flow's push phase (token.validate) judges the pushed values
    rateLimit(ctx), //                   §2.3: 429 past the budget; only valid requests spend it
    storePushedRequest(ctx), //          §2.2: 201 { request_uri, expires_in }; no token kept in clear
  ];
}

/** RFC 9126 §2.3: any method but POST → 405. */
export function parMethodNotAllowed(): RequestHandler {
  return function parMethodNotAllowed(_req, _res, next) {
    next(new HttpError('ERR_METHOD_NOT_ALLOWED', 'use POST for the pushed authorization request endpoint', {}, { headers: { Allow: 'POST' } }));
  };
}

import type { RequestHandler } from 'express';
import { HttpError } from '../../errors.js';
import { clientIp } from '../../middleware/client-ip.js';
import { parseFormParams, readFormBody, requireFormContentType } from '../../middleware/form-body.js';
import { noStore } from '../../middleware/security-headers.js';
import type { RouterContext } from '../../options.js';
import { checkContinueCsrf, loadPendingStep, resumeJourney } from './continue.js';
import { requireTopLevelNavigation } from './navigation.js';
import { observeAuthorize } from './observe.js';
import { readQueryParams } from './read-query.js';
import { checkPlainRequest, chooseFlow, identifyClient, takePushedRequest } from './resolve-request.js';
import { startJourney } from './start-journey.js';

/** RFC 6749 §3.1 asks for GET; POST is not served here: 405 with `Allow: GET`. */
export function authorizeMethodNotAllowed(): RequestHandler {
  return function authorizeMethodNotAllowed(_req, _res, next) {
    next(new HttpError('ERR_METHOD_NOT_ALLOWED', 'use GET for the authorization endpoint', {}, { headers: { Allow: 'GET' } }));
  };
}

/**
 * `GET /authorize` — the authorization endpoint, read top to bottom. Errors are answered by
 * `authorizeErrorPage` (a page, or the OAuth error redirect once a registered redirect_uri is
 * known).
 */
export function authorizeSteps(ctx: RouterContext): RequestHandler[] {
  return [
    observeAuthorize(ctx, 'authorize'), // metrics and access log when the response finishes
    noStore(), //                          RFC 6749 §5.1 spirit: nothing here is cacheable
    clientIp(ctx), //                      socket peer, or X-Forwarded-For through trusted proxies
    readQueryParams(), //                  RFC 6749 §3.1: single values, empty = omitted
    identifyClient(ctx), //                client_id (unknown → page, never a redirect)
    requireTopLevelNavigation(), //        Sec-Fetch-*: an iframe, a fetch() or a prefetch never spends a request_uri
    takePushedRequest(ctx), //             RFC 9126 §4: request_uri once, unexpired, same client; pushed params only
    checkPlainRequest(), //                RFC 9126 §4: PAR-only clients refused; else validated as PAR validates
    chooseFlow(), //                       acr_values naming an allowed flow, else the client's default
    startJourney(ctx), //                  redeem the pushed journey, or start one; page / JSON / 303
  ];
}

/** `POST /authorize/continue` — the browser form of a suspended journey. */
export function continueSteps(ctx: RouterContext): RequestHandler[] {
  return [
    observeAuthorize(ctx, 'authorize_continue'),
    noStore(),
    clientIp(ctx),
    requireFormContentType(), //           a form post, nothing else
    readFormBody(ctx.bodyLimit), //        413 past the body limit
    parseFormParams(), //                  no duplicates, empty = omitted
    checkContinueCsrf(ctx), //             the token binds this journey to this browser
    loadPendingStep(ctx), //               the callbacks the journey waits for, and its client
    resumeJourney(ctx), //                 answers mapped by field name; page / JSON / 303
  ];
}

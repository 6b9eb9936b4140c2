import type { ErrorRequestHandler } from 'express';
import { errorPage, journeyErrorBody, prefersJson } from '@waymark/http';
import { answerError } from '../../audit/request-events.js';
import { locals } from '../../lib/locals.js';
import { seeOther } from '../../lib/respond.js';
import type { RouterContext } from '../../options.js';
import { errorRedirect } from './answer.js';

/**
 * The error handler of the browser endpoints (`GET /authorize`, `POST /authorize/continue`).
 * Once the client and a registered redirect_uri are known, an OAuth error goes back to it
 * (RFC 6749 §4.1.2.1, with `state` and `iss` per RFC 9207); before that (unknown client, bad
 * redirect_uri, used or expired request_uri) the user gets a page. `Accept: application/json`
 * gets `{ error, error_description, code }`. Statuses and sentences come from `@waymark/http`'s
 * error table (its browser status: 400 for an unknown or finished journey); 500 for anything
 * unexpected (logged, never shown).
 */
export function authorizeErrorPage(ctx: RouterContext): ErrorRequestHandler {
  return function authorizeErrorPage(err: unknown, req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    const answer = answerError(ctx, err, req, res);
    const status = answer.pageStatus;
    const state = locals(res);
    res.setHeader('Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(answer.headers)) if (name.toLowerCase() !== 'www-authenticate') res.setHeader(name, value);
    if (prefersJson(req)) {
      res.status(status).json(journeyErrorBody(answer));
      return;
    }
    const request = state.authorization;
    // A server error the client can do something about (a store down or full: retry) goes back
    // to it as temporarily_unavailable (RFC 6749 §4.1.2.1); any other server error gets the page.
    if (request?.redirectUri !== undefined && (status < 500 || answer.error === 'temporarily_unavailable')) {
      seeOther(res, errorRedirect(ctx, request.redirectUri, answer.error, answer.description, request.state));
      return;
    }
    res.status(status).type('html').send(errorPage(answer, { base: ctx.basePath }));
  };
}

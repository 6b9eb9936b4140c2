import type { ErrorRequestHandler } from 'express';
import { answerOrServerError } from '../../middleware/error-handler.js';
import { messagePage } from '../../lib/html.js';
import { locals } from '../../lib/locals.js';
import { seeOther } from '../../lib/respond.js';
import type { RouterContext } from '../../options.js';
import { errorRedirect, wantsJson } from './answer.js';

const TITLES: Readonly<Record<number, string>> = {
  403: 'Not allowed',
  404: 'Not found',
  409: 'Already submitted',
  413: 'Request too large',
  429: 'Try again later',
  503: 'Try again later',
};

/* Pages speak to people: a sentence per situation, never the parameter or its value. */
function sentence(code: string, status: number): string {
  switch (code) {
    case 'ERR_REQUEST_URI_INVALID':
      return 'This sign-in link has expired or has been used already. Return to the application and try again.';
    case 'ERR_JOURNEY_NOT_FOUND':
      return 'This sign-in has expired or has finished already. Return to the application and start again.';
    case 'ERR_JOURNEY_CONFLICT':
      return 'This form was submitted already, perhaps in another tab. Return to the application and start again.';
    case 'ERR_CSRF':
      return 'This form has expired or was not opened in this browser. Return to the application and start again.';
    case 'ERR_STORE_UNAVAILABLE':
    case 'ERR_STORE_FULL':
    case 'ERR_RATE_LIMITED':
      return 'The sign-in service is temporarily unavailable. Please try again in a moment.';
    default:
      return status >= 500
        ? 'Something went wrong on our side. Please try again later.'
        : 'The sign-in request is not valid. Return to the application and try again.';
  }
}

/**
 * The error handler of the browser endpoints (`GET /authorize`, `POST /authorize/continue`).
 * Once the client and a registered redirect_uri are known, an OAuth error goes back to it
 * (RFC 6749 §4.1.2.1, with `state` and `iss` per RFC 9207); before that (unknown client, bad
 * redirect_uri, used or expired request_uri) the user gets a page. `Accept: application/json`
 * gets `{ error, error_description, code }`. Statuses: 400 for a bad request (an unknown or
 * finished journey included), 403 CSRF, 409 conflict, 413, 503 when a store is down, 500 for
 * anything unexpected (logged, never shown).
 */
export function authorizeErrorPage(ctx: RouterContext): ErrorRequestHandler {
  return function authorizeErrorPage(err: unknown, req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    const answer = answerOrServerError(err, req.path, ctx.logger);
    // A page about an unknown journey is a bad request of the browser's, not a missing resource.
    const status = answer.code === 'ERR_JOURNEY_NOT_FOUND' ? 400 : answer.status;
    const state = locals(res);
    state.oauthError = answer.error;
    res.setHeader('Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(answer.headers)) if (name.toLowerCase() !== 'www-authenticate') res.setHeader(name, value);
    if (wantsJson(req)) {
      res.status(status).json({ error: answer.error, error_description: answer.description, code: answer.code });
      return;
    }
    const request = state.authorization;
    if (request?.redirectUri !== undefined && status < 500) {
      seeOther(res, errorRedirect(ctx, request.redirectUri, answer.error, answer.description, request.state));
      return;
    }
    if (request?.redirectUri !== undefined && (answer.code === 'ERR_STORE_UNAVAILABLE' || answer.code === 'ERR_STORE_FULL')) {
      seeOther(res, errorRedirect(ctx, request.redirectUri, 'temporarily_unavailable', answer.description, request.state));
      return;
    }
    res
      .status(status)
      .type('html')
      .send(
        messagePage(
          TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Request not valid'),
          sentence(answer.code, status),
          'alert',
          ctx.basePath,
        ),
      );
  };
}

import type { ErrorRequestHandler } from 'express';
import { oauthErrorBody } from '@waymark/http';
import { answerError } from '../audit/request-events.js';
import type { RouterContext } from '../options.js';

/**
 * The router's one error handler: answers with `@waymark/http`'s error table as OAuth
 * `{ error, error_description }` (RFC 6749 §5.2) with the right status, body-parser failures
 * as 400/413, and anything else as 500 `server_error` with a generic description. Never a
 * stack, never a parameter value. Unexpected errors are logged (message and stack) for the
 * operator.
 */
export function oauthErrorHandler(ctx: RouterContext): ErrorRequestHandler {
  return function oauthErrorHandler(err: unknown, req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    const answer = answerError(ctx, err, req, res);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    // RFC 6749 §5.1: OAuth answers must not be cached.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    res.status(answer.status).json(oauthErrorBody(answer));
  };
}

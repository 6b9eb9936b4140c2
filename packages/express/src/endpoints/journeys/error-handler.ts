import type { ErrorRequestHandler } from 'express';
import { journeyErrorBody } from '@waymark/http';
import { answerError } from '../../audit/request-events.js';
import type { RouterContext } from '../../options.js';

/**
 * Errors of the JSON journey API: `{ error, error_description, code }` with the status of
 * `@waymark/http`'s error table (400 malformed JSON or submission, 401 client authentication,
 * 403 flow or origin not allowed, 404 unknown journey or flow, 409 conflict, 413 too large,
 * 503 store down); anything unexpected is 500 `server_error`, logged, never a stack.
 */
export function journeyErrorHandler(ctx: RouterContext): ErrorRequestHandler {
  return function journeyErrorHandler(err: unknown, req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    const answer = answerError(ctx, err, req, res);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.setHeader('Cache-Control', 'no-store');
    res.status(answer.status).json(journeyErrorBody(answer));
  };
}

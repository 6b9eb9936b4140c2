import type { ErrorRequestHandler, RequestHandler } from 'express';
import { answerOrServerError } from '@waymark/http';
import { WaymarkError, type Logger } from '@waymark/sdk';
import { notFound } from '../errors.js';

/**
 * The admin API's one error handler: every error through `@waymark/http`'s table, answered as
 * `{ error, error_description, code }` plus `problems` for a refused flow or client, with
 * `Cache-Control: no-store`. Anything unexpected is a 500 with a generic description (logged,
 * never shown): no stack, no value.
 */
export function adminErrorHandler(logger: Logger): ErrorRequestHandler {
  return function adminErrors(err: unknown, req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    const answer = answerOrServerError(err, req.originalUrl.split('?')[0] ?? '', logger);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    const problems = err instanceof WaymarkError && Array.isArray(err.details.problems) ? err.details.problems : undefined;
    const body = { error: answer.error, error_description: answer.description, code: answer.code, ...(problems ? { problems } : {}) };
    res.setHeader('Cache-Control', 'no-store');
    res.status(answer.status).json(body);
  };
}

/** Any path or method the API does not serve: 404 naming the way to the list of routes. */
export function unknownRoute(): RequestHandler {
  return function unknown(req) {
    throw notFound(`no admin route ${req.method} ${req.path}: see the routes in the @waymark/admin README`);
  };
}

import type { ErrorRequestHandler } from 'express';
import { answerFor, journeyErrorBody } from '@waymark/http';
import { PolicyError } from '@waymark/policy';

/**
 * Answers the policy layer's own errors (`ERR_POLICY_REQUEST` 400, `ERR_TRANSACTION_*`…) with
 * `{ error, error_description, code }` and the status of `@waymark/http`'s error table; every
 * other error goes on to the router's OAuth error handler (which answers 500 `server_error`
 * for anything unexpected, never a stack).
 */
export function policyErrorHandler(): ErrorRequestHandler {
  return function policyErrorHandler(err: unknown, _req, res, next) {
    const answer = err instanceof PolicyError ? answerFor(err) : undefined;
    if (!answer || res.headersSent) {
      next(err);
      return;
    }
    // The table adds Retry-After (RFC 9110 §10.2.3) from the error's retryAfterSeconds for rate limits.
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.setHeader('Cache-Control', 'no-store');
    res.status(answer.status).json(journeyErrorBody(answer));
  };
}

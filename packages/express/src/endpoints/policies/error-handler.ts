import type { ErrorRequestHandler } from 'express';
import { POLICY_HTTP, PolicyError } from '../../policy/errors.js';

/**
 * Answers the policy layer's own codes (`ERR_POLICY_REQUEST` 400, `ERR_TRANSACTION_*`…) with
 * `{ error, error_description, code }`; every other error goes on to the router's OAuth error
 * handler (which answers 500 `server_error` for anything unexpected, never a stack).
 */
export function policyErrorHandler(): ErrorRequestHandler {
  return function policyErrorHandler(err: unknown, _req, res, next) {
    const mapping = err instanceof PolicyError ? POLICY_HTTP[err.code] : undefined;
    if (!mapping || res.headersSent || !(err instanceof PolicyError)) {
      next(err);
      return;
    }
    for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
    res.setHeader('Cache-Control', 'no-store');
    res.status(mapping.status).json({ error: mapping.error, error_description: err.message, code: err.code });
  };
}

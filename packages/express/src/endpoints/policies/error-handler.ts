import type { ErrorRequestHandler, Response } from 'express';
import { PolicyError } from '@waymark/policy';

/** How the policy endpoints answer each request code of `@waymark/policy` (status and OAuth-style `error`). */
export const POLICY_HTTP: Readonly<Record<string, { status: number; error: string }>> = {
  ERR_POLICY_REQUEST: { status: 400, error: 'invalid_request' },
  ERR_TRANSACTION_RATE_LIMITED: { status: 429, error: 'temporarily_unavailable' },
  ERR_TRANSACTION_NOT_FOUND: { status: 404, error: 'invalid_request' },
  ERR_TRANSACTION_FORBIDDEN: { status: 403, error: 'access_denied' },
  ERR_STEPUP_FAILED: { status: 401, error: 'access_denied' },
  ERR_PDP_UNAVAILABLE: { status: 503, error: 'temporarily_unavailable' },
};

/** RFC 9110 §10.2.3: tells the caller when a retry may succeed (rate limits). */
export function setRetryAfter(res: Response, error: PolicyError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
}

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
    setRetryAfter(res, err);
    res.setHeader('Cache-Control', 'no-store');
    res.status(mapping.status).json({ error: mapping.error, error_description: err.message, code: err.code });
  };
}

import type { ErrorRequestHandler } from 'express';
import { WaymarkError } from '@waymark/sdk';
import { HttpError, OAUTH_ERRORS } from '../errors.js';
import { locals } from '../lib/locals.js';
import type { RouterContext } from '../options.js';

export interface OAuthAnswer {
  status: number;
  error: string;
  description: string;
  code: string;
  headers: Readonly<Record<string, string>>;
}

/* body-parser marks its errors with `type` and `status`; none of them is the server's fault. */
function bodyParserAnswer(err: { type: string; status?: number }): OAuthAnswer | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return { status: 413, error: 'invalid_request', description: 'the request body is too large', code: 'ERR_BODY_TOO_LARGE', headers: {} };
    case 'entity.parse.failed':
      return { status: 400, error: 'invalid_request', description: 'the request body is malformed', code: 'ERR_INVALID_REQUEST', headers: {} };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { status: 400, error: 'invalid_request', description: 'the request body uses an unsupported charset or encoding', code: 'ERR_INVALID_REQUEST', headers: {} };
    default:
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500)
        return { status: 400, error: 'invalid_request', description: 'the request body could not be read', code: 'ERR_INVALID_REQUEST', headers: {} };
      return undefined;
  }
}

/* A coded error from below the adapter (ERR_STORE_FULL) may say when to come back: RFC 9110 §10.2.3 Retry-After (delay-seconds). */
function retryAfterOf(err: WaymarkError): Readonly<Record<string, string>> {
  const seconds = err.details.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0 ? { 'Retry-After': String(seconds) } : {};
}

/** How a known error is answered (WaymarkError codes in OAUTH_ERRORS, body-parser errors); undefined for anything unexpected. */
export function answerFor(err: unknown): OAuthAnswer | undefined {
  if (err instanceof WaymarkError) {
    const mapping = OAUTH_ERRORS[err.code];
    if (!mapping) return undefined;
    return {
      status: mapping.status,
      error: mapping.error,
      description: mapping.description ?? err.message,
      code: err.code,
      headers: err instanceof HttpError ? err.headers : retryAfterOf(err),
    };
  }
  // body-parser / raw-body errors (http-errors style): a `type`, or a 4xx `status` (a broken gzip stream has no type).
  if (err !== null && typeof err === 'object') {
    const { type, status } = err as { type?: unknown; status?: unknown };
    if (typeof type === 'string' || (typeof status === 'number' && status >= 400 && status < 500))
      return bodyParserAnswer({ type: typeof type === 'string' ? type : '', status: typeof status === 'number' ? status : undefined });
  }
  return undefined;
}

/**
 * The answer for any error: the mapped one, or 500 `server_error` with a generic description
 * for anything unexpected, which is logged (message and stack) for the operator and never shown.
 * Shared by every error handler of the adapter (OAuth JSON, authorize pages, journey API).
 */
export function answerOrServerError(err: unknown, path: string, logger: RouterContext['logger']): OAuthAnswer {
  const known = answerFor(err);
  if (known) {
    if (known.status >= 500) logger.warn('request failed', { path, code: known.code });
    return known;
  }
  logger.error('unexpected error', {
    path,
    code: err instanceof WaymarkError ? err.code : undefined,
    error: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  return { status: 500, error: 'server_error', description: 'the server met an unexpected condition', code: 'ERR_INTERNAL', headers: {} };
}

/**
 * The router's one error handler: maps WaymarkError codes to OAuth `{ error,
 * error_description }` (RFC 6749 §5.2) with the right status, body-parser failures to 400/413,
 * and anything else to 500 `server_error` with a generic description. Never a stack, never a
 * parameter value. Unexpected errors are logged (message and stack) for the operator.
 */
export function oauthErrorHandler(ctx: RouterContext): ErrorRequestHandler {
  return function oauthErrorHandler(err: unknown, req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    const answer = answerOrServerError(err, req.path, ctx.logger);
    locals(res).oauthError = answer.error;
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    res.status(answer.status).json({ error: answer.error, error_description: answer.description });
  };
}

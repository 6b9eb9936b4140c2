import type { HttpErrorCode } from '@waymark/http';
import { WaymarkError } from '@waymark/sdk';

/**
 * Every code `@waymark/express` raises. A published code is never reused.
 *
 * Start-up codes (`ERR_CLIENT_CONFIG`, `ERR_ROUTER_OPTIONS`) are thrown by
 * `createWaymarkRouter`; request codes are answered over HTTP through the one error table of
 * `@waymark/http` (`ERROR_ANSWERS`: status, OAuth `error`, safe description).
 */
export const EXPRESS_ERRORS = {
  /** A client configuration is invalid; `details.problems` names each client, field and fix. */
  ERR_CLIENT_CONFIG: 'ERR_CLIENT_CONFIG',
  /** An option of `createWaymarkRouter` is invalid; `details.option` names it. */
  ERR_ROUTER_OPTIONS: 'ERR_ROUTER_OPTIONS',
  /** Client authentication failed: unknown client, wrong or missing credentials. */
  ERR_INVALID_CLIENT: 'ERR_INVALID_CLIENT',
  /** `response_type` is not one the adapter serves. */
  ERR_UNSUPPORTED_RESPONSE_TYPE: 'ERR_UNSUPPORTED_RESPONSE_TYPE',
  /** `scope` is malformed, or names a scope outside the client's `allowed_scopes`. */
  ERR_INVALID_SCOPE: 'ERR_INVALID_SCOPE',
  /** The endpoint does not answer this HTTP method. */
  ERR_METHOD_NOT_ALLOWED: 'ERR_METHOD_NOT_ALLOWED',
  /** A budget is spent (`parRateLimit`, `journeyStartRateLimit`, `authFailureRateLimit`): 429 with `Retry-After`. */
  ERR_RATE_LIMITED: 'ERR_RATE_LIMITED',
  /** The `request_uri` is unknown, used already, expired or pushed by another client (RFC 9126 §4). */
  ERR_REQUEST_URI_INVALID: 'ERR_REQUEST_URI_INVALID',
  /** A `request` parameter (a request object by value, RFC 9101): not supported; push the parameters instead (PAR). */
  ERR_REQUEST_NOT_SUPPORTED: 'ERR_REQUEST_NOT_SUPPORTED',
  /** A `request_uri` this server did not issue (a URL to fetch, RFC 9101 §5.2): only PAR's own are supported. */
  ERR_REQUEST_URI_NOT_SUPPORTED: 'ERR_REQUEST_URI_NOT_SUPPORTED',
  /** A `request_uri` redeemed by an iframe, a `fetch()` or a prefetch (`Sec-Fetch-*`): only a top-level navigation may redeem it; it stays usable. */
  ERR_NAVIGATION_REQUIRED: 'ERR_NAVIGATION_REQUIRED',
  /** The client's flow refused the pushed request in its push phase (a bad token, a missing DPoP proof): 400 `invalid_request` at the PAR endpoint. */
  ERR_PUSH_REFUSED: 'ERR_PUSH_REFUSED',
  /** The push phase could not judge the pushed request (a node's `error` or `timeout`: the token issuer unreachable): 503, retry. */
  ERR_PUSH_UNAVAILABLE: 'ERR_PUSH_UNAVAILABLE',
  /** The client may not run the flow asked for (`acr_values`, `/journeys/:flow`). */
  ERR_FLOW_NOT_ALLOWED: 'ERR_FLOW_NOT_ALLOWED',
  /** A browser form came back without a valid CSRF token (stale page, other browser, forged post). */
  ERR_CSRF: 'ERR_CSRF',
  /** A journey ended with a redirect the client's `redirect_targets` do not allow (defence in depth). */
  ERR_REDIRECT_NOT_ALLOWED: 'ERR_REDIRECT_NOT_ALLOWED',
  /** A browser on an origin the client's `cors_origins` do not list called a JSON endpoint. */
  ERR_ORIGIN_NOT_ALLOWED: 'ERR_ORIGIN_NOT_ALLOWED',
  /** The router has no engine, or the engine lacks what an endpoint needs. */
  ERR_NO_ENGINE: 'ERR_NO_ENGINE',
} as const;

/**
 * The codes an {@link HttpError} may carry: this package's, and the two request-reading codes whose
 * home is `@waymark/http` (`ERR_INVALID_REQUEST`, `ERR_BODY_TOO_LARGE`): one meaning, one code.
 */
export type ExpressErrorCode = keyof typeof EXPRESS_ERRORS | Exclude<HttpErrorCode, 'ERR_INTERNAL'>;

/**
 * An error that the adapter answers over HTTP. `headers` are added to the response
 * (`WWW-Authenticate`, `Retry-After`, `Allow`). The message becomes `error_description`, so it
 * names parameters, never their values.
 *
 * @example
 * throw new HttpError('ERR_INVALID_REQUEST', 'request_uri must not be pushed (RFC 9126 §2.1)', { param: 'request_uri' });
 */
export class HttpError extends WaymarkError {
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ExpressErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(code, message, details, { cause: options.cause });
    this.name = 'HttpError';
    this.headers = options.headers ?? {};
  }
}

/** Shorthand for the most common request error. */
export function invalidRequest(message: string, details: Record<string, unknown> = {}): HttpError {
  return new HttpError('ERR_INVALID_REQUEST', message, details);
}

// The client model (and its error) lives in @waymark/core: the adapter and the OpenID Provider share it.
export { ClientConfigError } from '@waymark/core';
export type { ClientConfigProblem } from '@waymark/core';

/** Thrown at start-up when an option of `createWaymarkRouter` is invalid. */
export class RouterOptionsError extends WaymarkError {
  constructor(option: string, message: string) {
    super('ERR_ROUTER_OPTIONS', `createWaymarkRouter: option "${option}": ${message}`, { option });
    this.name = 'RouterOptionsError';
  }
}

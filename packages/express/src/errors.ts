import { WaymarkError } from '@waymark/sdk';

/**
 * Every code `@waymark/express` raises. A published code is never reused.
 *
 * Start-up codes (`ERR_CLIENT_CONFIG`, `ERR_ROUTER_OPTIONS`) are thrown by
 * `createWaymarkRouter`; request codes are mapped to OAuth errors by the error handler
 * (see {@link OAUTH_ERRORS}).
 */
export const EXPRESS_ERRORS = {
  /** A client configuration is invalid; `details.problems` names each client, field and fix. */
  ERR_CLIENT_CONFIG: 'ERR_CLIENT_CONFIG',
  /** An option of `createWaymarkRouter` is invalid; `details.option` names it. */
  ERR_ROUTER_OPTIONS: 'ERR_ROUTER_OPTIONS',
  /** The request is malformed: wrong content type, duplicate or unknown parameter, bad value. */
  ERR_INVALID_REQUEST: 'ERR_INVALID_REQUEST',
  /** Client authentication failed: unknown client, wrong or missing credentials. */
  ERR_INVALID_CLIENT: 'ERR_INVALID_CLIENT',
  /** `response_type` is not one the adapter serves. */
  ERR_UNSUPPORTED_RESPONSE_TYPE: 'ERR_UNSUPPORTED_RESPONSE_TYPE',
  /** `scope` is malformed. */
  ERR_INVALID_SCOPE: 'ERR_INVALID_SCOPE',
  /** The request body is larger than `bodyLimit`. */
  ERR_BODY_TOO_LARGE: 'ERR_BODY_TOO_LARGE',
  /** The endpoint does not answer this HTTP method. */
  ERR_METHOD_NOT_ALLOWED: 'ERR_METHOD_NOT_ALLOWED',
  /** A budget is spent (`parRateLimit`, `journeyStartRateLimit`, `authFailureRateLimit`): 429 with `Retry-After`. */
  ERR_RATE_LIMITED: 'ERR_RATE_LIMITED',
  /** The `request_uri` is unknown, used already, expired or pushed by another client (RFC 9126 §4). */
  ERR_REQUEST_URI_INVALID: 'ERR_REQUEST_URI_INVALID',
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

export type ExpressErrorCode = keyof typeof EXPRESS_ERRORS;

/** How one error code is answered over HTTP. */
export interface OAuthErrorMapping {
  status: number;
  /** The OAuth `error` value (RFC 6749 §5.2, RFC 9126 §2.3). */
  error: string;
  /** When set, used instead of the error's message (for codes raised outside this package). */
  description?: string;
}

/**
 * Code → HTTP answer. Codes not listed here answer 500 `server_error` with a generic
 * description: an unexpected error never leaks its message or stack.
 */
export const OAUTH_ERRORS: Readonly<Record<string, OAuthErrorMapping>> = {
  ERR_INVALID_REQUEST: { status: 400, error: 'invalid_request' },
  ERR_INVALID_CLIENT: { status: 401, error: 'invalid_client' },
  ERR_UNSUPPORTED_RESPONSE_TYPE: { status: 400, error: 'unsupported_response_type' },
  ERR_INVALID_SCOPE: { status: 400, error: 'invalid_scope' },
  // RFC 9126 §2.3: 413 when the request is too large. The OAuth error stays invalid_request.
  ERR_BODY_TOO_LARGE: { status: 413, error: 'invalid_request' },
  // RFC 9126 §2.3: 405 for any method but POST.
  ERR_METHOD_NOT_ALLOWED: { status: 405, error: 'invalid_request' },
  // RFC 9126 §2.3: 429 when a client goes beyond its budget; "try later" is what the client must do.
  ERR_RATE_LIMITED: { status: 429, error: 'temporarily_unavailable' },
  // Raised by stores (core): fail closed, the client may retry.
  ERR_STORE_UNAVAILABLE: { status: 503, error: 'temporarily_unavailable', description: 'a backing store is unavailable; retry later' },
  // Raised by the memory journey store at its cap (core): the new journey is refused, never a live one dropped.
  ERR_STORE_FULL: { status: 503, error: 'temporarily_unavailable', description: 'the server holds as many journeys as it may; retry later' },
  ERR_JOURNEY_NOT_FOUND: { status: 404, error: 'invalid_request', description: 'no such journey (finished, expired or never started)' },
  ERR_JOURNEY_CONFLICT: { status: 409, error: 'invalid_request', description: 'the journey was advanced by another submission' },
  ERR_SUBMISSION_INVALID: { status: 400, error: 'invalid_request', description: 'the submission does not answer the callbacks asked for' },
  // RFC 9101 §7 / OIDC Core §3.1.2.6: the error for a request_uri that is not usable.
  ERR_REQUEST_URI_INVALID: { status: 400, error: 'invalid_request_uri' },
  ERR_FLOW_NOT_ALLOWED: { status: 403, error: 'unauthorized_client' },
  ERR_FLOW_NOT_FOUND: { status: 404, error: 'invalid_request', description: 'no such flow is loaded' },
  ERR_CSRF: { status: 403, error: 'invalid_request' },
  ERR_REDIRECT_NOT_ALLOWED: { status: 400, error: 'access_denied', description: 'the journey ended with a redirect this client does not allow' },
  ERR_ORIGIN_NOT_ALLOWED: { status: 403, error: 'access_denied' },
  ERR_NO_ENGINE: { status: 500, error: 'server_error', description: 'the server is not configured to run journeys' },
};

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

/** One problem found in the client configuration. */
export interface ClientConfigProblem {
  /** Position in the `clients` array. */
  index: number;
  /** The `client_id`, when the entry has a usable one. */
  clientId: string | undefined;
  /** The offending field (a JSON pointer below the client, `/redirect_uris/0`), or `/` for the entry. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Thrown at start-up when any client configuration is invalid; lists every problem at once. */
export class ClientConfigError extends WaymarkError {
  readonly problems: readonly ClientConfigProblem[];

  constructor(problems: ClientConfigProblem[]) {
    super(
      'ERR_CLIENT_CONFIG',
      `client configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  clients[${p.index}]${p.clientId ? ` ("${p.clientId}")` : ''} ${p.field}: ${p.message}`).join('\n'),
      { problems },
    );
    this.name = 'ClientConfigError';
    this.problems = problems;
  }
}

/** Thrown at start-up when an option of `createWaymarkRouter` is invalid. */
export class RouterOptionsError extends WaymarkError {
  constructor(option: string, message: string) {
    super('ERR_ROUTER_OPTIONS', `createWaymarkRouter: option "${option}": ${message}`, { option });
    this.name = 'RouterOptionsError';
  }
}

import { WaymarkError, type Logger } from '@waymark/sdk';
import { HTTP_ERRORS } from './errors.js';

/** How one error code is answered over HTTP. */
export interface ErrorAnswerSpec {
  /** The HTTP status of an API answer (OAuth JSON, journey JSON). */
  readonly status: number;
  /** The OAuth `error` value (RFC 6749 §5.2, RFC 6750 §3.1, RFC 9126 §2.3). */
  readonly error: string;
  /**
   * A fixed description, safe to show. Without it the error's own message is the description:
   * messages of codes listed without one name parameters, never their values.
   */
  readonly description?: string;
  /** The sentence a person reads on an error page (the generic one of the status class otherwise). */
  readonly page?: string;
  /** The status on a browser endpoint (a page, or the JSON answer of a browser flow) when it differs. */
  readonly pageStatus?: number;
  /**
   * The answer says when to come back: `Retry-After` (RFC 9110 §10.2.3, delay-seconds) from the
   * error's `retryAfterSeconds` (a property, as the policy layer's errors have, or in `details`,
   * as core's `ERR_STORE_FULL` has), unless the error carries the header itself.
   */
  readonly retryAfter?: true;
}

/**
 * The one table of Waymark's HTTP answers: error code → status, OAuth `error`, safe description
 * and page sentence. Every HTTP package answers through it (with `answerFor` and the renderers
 * of `error-renderers.ts`); a code not listed answers 500 `server_error` with a generic
 * description, so an unexpected error never leaks its message or stack. Codes come from every
 * package (core, express, policy, oidc-provider): the table only holds their strings.
 */
export const ERROR_ANSWERS: Readonly<Record<string, ErrorAnswerSpec>> = Object.freeze({
  // Requests (@waymark/express).
  ERR_INVALID_REQUEST: { status: 400, error: 'invalid_request' },
  ERR_INVALID_CLIENT: { status: 401, error: 'invalid_client' },
  ERR_UNSUPPORTED_RESPONSE_TYPE: { status: 400, error: 'unsupported_response_type' },
  ERR_INVALID_SCOPE: { status: 400, error: 'invalid_scope' },
  // RFC 9126 §2.3: 413 when the request is too large. The OAuth error stays invalid_request.
  ERR_BODY_TOO_LARGE: { status: 413, error: 'invalid_request' },
  // RFC 9126 §2.3: 405 for any method but POST.
  ERR_METHOD_NOT_ALLOWED: { status: 405, error: 'invalid_request' },
  // RFC 9126 §2.3: 429 when a client goes beyond its budget; "try later" is what the client must do (RFC 6585 §4: and when).
  ERR_RATE_LIMITED: {
    status: 429,
    error: 'temporarily_unavailable',
    page: 'The sign-in service is temporarily unavailable. Please try again in a moment.',
    retryAfter: true,
  },
  // RFC 9101 §7 / OIDC Core §3.1.2.6: the error for a request_uri that is not usable.
  ERR_REQUEST_URI_INVALID: {
    status: 400,
    error: 'invalid_request_uri',
    page: 'This sign-in link has expired or has been used already. Return to the application and try again.',
  },
  // OIDC Core §3.1.2.6 (used by RFC 9101): request objects by value are not supported; use PAR.
  ERR_REQUEST_NOT_SUPPORTED: { status: 400, error: 'request_not_supported' },
  // OIDC Core §3.1.2.6: only request_uri values this server's PAR endpoint issued are supported, never a URL to fetch.
  ERR_REQUEST_URI_NOT_SUPPORTED: { status: 400, error: 'request_uri_not_supported' },
  // A request_uri redeemed by an iframe, a fetch() or a prefetch: refused, and left intact for the real navigation.
  ERR_NAVIGATION_REQUIRED: {
    status: 400,
    error: 'invalid_request',
    page: 'This sign-in link must be opened directly in the browser, not inside another page. Return to the application and try again.',
  },
  // RFC 9126 §2.1 / RFC 8693 §2.2.2: the flow's push phase refused a pushed parameter (the token, typically).
  ERR_PUSH_REFUSED: { status: 400, error: 'invalid_request' },
  // The push phase could not judge the request (the token issuer's keys unreachable, a node timed out): the client may retry.
  ERR_PUSH_UNAVAILABLE: {
    status: 503,
    error: 'temporarily_unavailable',
    description: 'the pushed request could not be checked now; retry later',
  },
  ERR_FLOW_NOT_ALLOWED: { status: 403, error: 'unauthorized_client' },
  ERR_CSRF: {
    status: 403,
    error: 'invalid_request',
    page: 'This form has expired or was not opened in this browser. Return to the application and start again.',
  },
  ERR_REDIRECT_NOT_ALLOWED: {
    status: 400,
    error: 'access_denied',
    description: 'the journey ended with a redirect this client does not allow',
  },
  ERR_ORIGIN_NOT_ALLOWED: { status: 403, error: 'access_denied' },
  ERR_NO_ENGINE: { status: 500, error: 'server_error', description: 'the server is not configured to run journeys' },

  // Stores and journeys (@waymark/core): raised outside the HTTP packages, so each has a fixed description.
  // Fail closed: the client may retry.
  ERR_STORE_UNAVAILABLE: {
    status: 503,
    error: 'temporarily_unavailable',
    description: 'a backing store is unavailable; retry later',
    page: 'The sign-in service is temporarily unavailable. Please try again in a moment.',
  },
  // The memory journey store at its cap: the new journey is refused (never a live one dropped) until one ends or expires.
  ERR_STORE_FULL: {
    status: 503,
    error: 'temporarily_unavailable',
    description: 'the server holds as many journeys as it may; retry later',
    page: 'The sign-in service is temporarily unavailable. Please try again in a moment.',
    retryAfter: true,
  },
  ERR_JOURNEY_NOT_FOUND: {
    status: 404,
    error: 'invalid_request',
    description: 'no such journey (finished, expired or never started)',
    page: 'This sign-in has expired or has finished already. Return to the application and start again.',
    // A page about an unknown journey is a bad request of the browser's, not a missing resource.
    pageStatus: 400,
  },
  ERR_JOURNEY_CONFLICT: {
    status: 409,
    error: 'invalid_request',
    description: 'the journey was advanced by another submission',
    page: 'This form was submitted already, perhaps in another tab. Return to the application and start again.',
  },
  ERR_SUBMISSION_INVALID: { status: 400, error: 'invalid_request', description: 'the submission does not answer the callbacks asked for' },
  ERR_FLOW_NOT_FOUND: { status: 404, error: 'invalid_request', description: 'no such flow is loaded' },

  // Transactional authorization (the policy layer); the messages say what to do.
  ERR_POLICY_REQUEST: { status: 400, error: 'invalid_request' },
  ERR_TRANSACTION_RATE_LIMITED: { status: 429, error: 'temporarily_unavailable', retryAfter: true },
  ERR_TRANSACTION_NOT_FOUND: { status: 404, error: 'invalid_request' },
  ERR_TRANSACTION_FORBIDDEN: { status: 403, error: 'access_denied' },
  ERR_STEPUP_FAILED: { status: 401, error: 'access_denied' },
  ERR_PDP_UNAVAILABLE: { status: 503, error: 'temporarily_unavailable' },

  // The admin API (@waymark/admin): an OAuth protected resource (RFC 6750) answering JSON; the messages name the field and the fix.
  // RFC 6750 §3.1: a request without a token is missing a required parameter; the header carries no error code (admin's bearer.ts).
  ERR_ADMIN_TOKEN_MISSING: { status: 401, error: 'invalid_request' },
  ERR_ADMIN_TOKEN_INVALID: { status: 401, error: 'invalid_token' },
  ERR_ADMIN_ISSUER_UNAVAILABLE: { status: 503, error: 'temporarily_unavailable', description: "the token issuer's key set could not be fetched; retry later" },
  ERR_ADMIN_INSUFFICIENT_SCOPE: { status: 403, error: 'insufficient_scope' },
  ERR_ADMIN_READ_ONLY: { status: 403, error: 'access_denied' },
  ERR_ADMIN_WRITES_IN_PRODUCTION: { status: 403, error: 'access_denied' },
  ERR_ADMIN_RATE_LIMITED: { status: 429, error: 'temporarily_unavailable', retryAfter: true },
  ERR_ADMIN_NOT_FOUND: { status: 404, error: 'invalid_request' },
  ERR_ADMIN_BAD_REQUEST: { status: 400, error: 'invalid_request' },
  ERR_ADMIN_FLOW_INVALID: { status: 400, error: 'invalid_request' },
  ERR_ADMIN_CLIENT_INVALID: { status: 400, error: 'invalid_request' },
  ERR_ADMIN_CONFLICT: { status: 409, error: 'invalid_request' },

  // The OpenID Provider's interaction pages (@waymark/oidc-provider): a form this browser was not served.
  ERR_INTERACTION_FORBIDDEN: {
    status: 403,
    error: 'invalid_request',
    page: 'This form was not served to this browser. Return to the application and sign in again.',
  },
} satisfies Record<string, ErrorAnswerSpec>);

/** How one error is answered: the table's entry for its code, resolved for this error. */
export interface ErrorAnswer {
  status: number;
  /** The status on a browser endpoint (see `ErrorAnswerSpec.pageStatus`). */
  pageStatus: number;
  error: string;
  description: string;
  code: string;
  /** Headers the error carries (`WWW-Authenticate`, `Retry-After`, `Allow`). */
  headers: Readonly<Record<string, string>>;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

function answer(status: number, error: string, description: string, code: string, headers = NO_HEADERS): ErrorAnswer {
  return { status, pageStatus: status, error, description, code, headers };
}

/* body-parser marks its errors with `type` and `status`; none of them is the server's fault. */
function bodyParserAnswer(type: string, status: number | undefined): ErrorAnswer | undefined {
  switch (type) {
    case 'entity.too.large':
      return answer(413, 'invalid_request', 'the request body is too large', HTTP_ERRORS.ERR_BODY_TOO_LARGE);
    case 'entity.parse.failed':
      return answer(400, 'invalid_request', 'the request body is malformed', HTTP_ERRORS.ERR_INVALID_REQUEST);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return answer(400, 'invalid_request', 'the request body uses an unsupported charset or encoding', HTTP_ERRORS.ERR_INVALID_REQUEST);
    default:
      if (status !== undefined && status >= 400 && status < 500)
        return answer(400, 'invalid_request', 'the request body could not be read', HTTP_ERRORS.ERR_INVALID_REQUEST);
      return undefined;
  }
}

/* A WaymarkError may carry response headers (express's HttpError). */
function headersOf(err: WaymarkError): Readonly<Record<string, string>> {
  const headers = (err as { headers?: unknown }).headers;
  return headers !== null && typeof headers === 'object' ? (headers as Record<string, string>) : NO_HEADERS;
}

/* Whole seconds, at least 1, from the error (`retryAfterSeconds`, else `details.retryAfterSeconds`); undefined when it says nothing usable. */
function retryAfterSecondsOf(err: WaymarkError): number | undefined {
  const own = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  const seconds = own !== undefined ? own : err.details.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

/* The error's headers, plus Retry-After when its code says so and the error does not send one itself. */
function answerHeaders(err: WaymarkError, spec: ErrorAnswerSpec): Readonly<Record<string, string>> {
  const headers = headersOf(err);
  if (!spec.retryAfter || Object.keys(headers).some((name) => name.toLowerCase() === 'retry-after')) return headers;
  const seconds = retryAfterSecondsOf(err);
  // RFC 9110 §10.2.3: Retry-After = delay-seconds.
  return seconds === undefined ? headers : { ...headers, 'Retry-After': String(seconds) };
}

/**
 * How a known error is answered: a WaymarkError whose code is in `ERROR_ANSWERS`, or a
 * body-parser error (400, 413); undefined for anything unexpected.
 *
 * @example
 * const known = answerFor(new WaymarkError('ERR_JOURNEY_CONFLICT', 'raced'));
 * // { status: 409, pageStatus: 409, error: 'invalid_request', description: 'the journey was advanced by another submission', … }
 */
export function answerFor(err: unknown): ErrorAnswer | undefined {
  if (err instanceof WaymarkError) {
    const spec = ERROR_ANSWERS[err.code];
    if (!spec) return undefined;
    return {
      status: spec.status,
      pageStatus: spec.pageStatus ?? spec.status,
      error: spec.error,
      description: spec.description ?? err.message,
      code: err.code,
      headers: answerHeaders(err, spec),
    };
  }
  // body-parser / raw-body errors (http-errors style): a `type`, or a 4xx `status` (a broken gzip stream has no type).
  if (err !== null && typeof err === 'object') {
    const { type, status } = err as { type?: unknown; status?: unknown };
    if (typeof type === 'string' || (typeof status === 'number' && status >= 400 && status < 500))
      return bodyParserAnswer(typeof type === 'string' ? type : '', typeof status === 'number' ? status : undefined);
  }
  return undefined;
}

/**
 * The answer for any error: the known one, or 500 `server_error` with a generic description
 * (`ERR_INTERNAL`) for anything unexpected, which is logged (message and stack) for the
 * operator and never shown. Known answers of 5xx are logged as warnings.
 *
 * @example
 * const answer = answerOrServerError(err, req.path, logger);
 * res.status(answer.status).json(oauthErrorBody(answer));
 */
export function answerOrServerError(err: unknown, path: string, logger: Logger): ErrorAnswer {
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
  return answer(500, 'server_error', 'the server met an unexpected condition', HTTP_ERRORS.ERR_INTERNAL);
}

import { WaymarkError } from '@waymark/sdk';

/**
 * Every code a `web` route raises. A published code is never reused. Start-up codes come from
 * {@link validateWebRouteConfig} (core's `ERR_CONFIG_INVALID` with one problem per key) and
 * `createWebRoute`'s dependency check; request codes are answered as a page (a browser is on the
 * other end) with the status below and the code, never a stack.
 */
export const WEB_ROUTE_ERRORS = {
  /** A dependency of `createWebRoute` is missing or malformed (`details.option` names it): fix the call at start-up. */
  ERR_GATEWAY_WEB_DEPS: 'ERR_GATEWAY_WEB_DEPS',
  /** A semantic problem of a `web` route's config that the JSON Schema cannot express (one `ERR_CONFIG_INVALID` problem each). */
  ERR_GATEWAY_WEB_CONFIG: 'ERR_GATEWAY_WEB_CONFIG',
  /** The callback came without a login in progress (no, expired or tampered login cookie; a replayed callback): 400. Start again from the page. */
  ERR_GATEWAY_WEB_LOGIN_NOT_STARTED: 'ERR_GATEWAY_WEB_LOGIN_NOT_STARTED',
  /** The callback's `state` is not the one this browser's login sent (OAuth 2.0 RFC 6749 §10.12, CSRF): 400, no session. */
  ERR_GATEWAY_WEB_STATE_MISMATCH: 'ERR_GATEWAY_WEB_STATE_MISMATCH',
  /** The provider answered the authorization request with an error (`details.error`, e.g. `access_denied`): 403, no session. */
  ERR_GATEWAY_WEB_LOGIN_FAILED: 'ERR_GATEWAY_WEB_LOGIN_FAILED',
  /** Redeeming the code or checking the ID token failed (a replayed code, a wrong nonce, a bad signature; `details.reason`): 400, no session. */
  ERR_GATEWAY_WEB_CALLBACK_FAILED: 'ERR_GATEWAY_WEB_CALLBACK_FAILED',
  /** The OpenID Provider could not be reached (discovery or token endpoint): 502, retry later. */
  ERR_GATEWAY_WEB_PROVIDER_UNAVAILABLE: 'ERR_GATEWAY_WEB_PROVIDER_UNAVAILABLE',
  /** A request that needs a session came without one and cannot start a login (not a GET or HEAD for a document: a POST, an image, a script, a fetch()): 401. Sign in first. */
  ERR_GATEWAY_WEB_LOGIN_REQUIRED: 'ERR_GATEWAY_WEB_LOGIN_REQUIRED',
  /** A logout POST from another site (`Origin` or `Sec-Fetch-Site` says cross-site): 403, nothing ended. */
  ERR_GATEWAY_WEB_CROSS_SITE: 'ERR_GATEWAY_WEB_CROSS_SITE',
  /** The upstream web app could not be reached: 502. */
  ERR_GATEWAY_WEB_UPSTREAM_UNAVAILABLE: 'ERR_GATEWAY_WEB_UPSTREAM_UNAVAILABLE',
  /** An unexpected failure inside the route (a bug): 500 `server_error`, its cause logged, never sent. */
  ERR_GATEWAY_WEB_INTERNAL: 'ERR_GATEWAY_WEB_INTERNAL',
} as const;

export type WebRouteErrorCode = keyof typeof WEB_ROUTE_ERRORS;

/** The status each request code is answered with. */
export const WEB_ROUTE_STATUS: Readonly<Record<WebRouteErrorCode, number>> = {
  ERR_GATEWAY_WEB_DEPS: 500,
  ERR_GATEWAY_WEB_CONFIG: 500,
  ERR_GATEWAY_WEB_LOGIN_NOT_STARTED: 400,
  ERR_GATEWAY_WEB_STATE_MISMATCH: 400,
  ERR_GATEWAY_WEB_LOGIN_FAILED: 403,
  ERR_GATEWAY_WEB_CALLBACK_FAILED: 400,
  ERR_GATEWAY_WEB_PROVIDER_UNAVAILABLE: 502,
  ERR_GATEWAY_WEB_LOGIN_REQUIRED: 401,
  ERR_GATEWAY_WEB_CROSS_SITE: 403,
  ERR_GATEWAY_WEB_UPSTREAM_UNAVAILABLE: 502,
  ERR_GATEWAY_WEB_INTERNAL: 500,
};

/**
 * An error of a `web` route. The message says what happened and what to do; `details` never
 * holds a token, a code, a cookie value or a secret.
 *
 * @example
 * throw new WebRouteError('ERR_GATEWAY_WEB_STATE_MISMATCH', 'the sign-in answer does not belong to this browser: start again');
 */
export class WebRouteError extends WaymarkError {
  constructor(code: WebRouteErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.name = 'WebRouteError';
  }

  /** The HTTP status this error is answered with. */
  get status(): number {
    return WEB_ROUTE_STATUS[this.code as WebRouteErrorCode] ?? 500;
  }
}

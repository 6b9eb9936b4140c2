/**
 * Every default of a `web` route, with why it is what it is. The JSON Schema (`schema.ts`) reads
 * these, so the documentation, the schema and the code agree.
 */
export const WEB_ROUTE_DEFAULTS = {
  /** Where the route answers: every path under it. `/` puts the whole origin behind the login. */
  path: '/',
  /** `openid` alone: the gateway needs the subject, nothing the app did not ask for. */
  scope: 'openid',
  /** No path passes without a session unless listed: fail closed. */
  publicPaths: [] as string[],
  /** A working day (8 h): the absolute lifetime of a gateway session, whatever the activity; then the browser signs in again (silently while the provider's session lasts). */
  sessionMaxAgeSeconds: 28_800,
  /** 10 minutes from the redirect to the provider until the callback: long enough to type a password and answer a second factor. */
  loginTimeoutSeconds: 600,
  /** The request header the upstream reads the signed identity from. */
  identityHeader: 'x-waymark-identity',
  /** 30 s: the identity JWT covers one request's forwarding; a leaked header is useless half a minute later. */
  identityTtlSeconds: 30,
  /** Claims of the ID token copied into the identity JWT, when present (besides `sub`, always there). */
  identityClaims: ['acr', 'amr', 'auth_time', 'email', 'name'] as string[],
} as const;

/** The gateway's own endpoints, under the route's path (`<path>/_waymark/callback`). Not configurable: one less thing to get wrong; register `<publicUrl><path>/_waymark/callback` as the client's redirect URI. */
export const RESERVED_PREFIX = '/_waymark';
export const ENDPOINTS = {
  /** The redirect URI (OpenID Connect Core §3.1.2.5). */
  callback: `${RESERVED_PREFIX}/callback`,
  /** `GET ?return_to=/path`: starts a login and comes back to a same-origin path. */
  login: `${RESERVED_PREFIX}/login`,
  /** `POST`: ends the gateway session and the provider's (RP-Initiated Logout 1.0); `GET` shows a confirmation form. */
  logout: `${RESERVED_PREFIX}/logout`,
  /** The public keys of the identity header's signature (RFC 7517), for the upstream to verify it. */
  jwks: `${RESERVED_PREFIX}/jwks.json`,
} as const;

/** The minimum length of a session key (characters): 256 bits of a base64url secret. */
export const MIN_SESSION_KEY_LENGTH = 32;

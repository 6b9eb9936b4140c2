/**
 * Every default of `createOidcProvider`, with the reason it is what it is. Durations are in
 * seconds.
 */
export const DEFAULTS = {
  /** The Waymark session cookie the login flow's `session.check`/`session.create` use (@waymark/nodes' default). */
  sessionCookie: '__Host-waymark-session',
  /** Trust X-Forwarded-* (protocol, host, client IP) from a TLS-terminating proxy: off, so a direct client cannot spoof them. */
  proxy: false,
  /** Proxies whose X-Forwarded-For names the client IP journeys see (same syntax as the adapter's): none. */
  trustedProxies: [] as readonly string[],
  /** Body limit of the interaction pages and their JSON: callbacks are small. */
  bodyLimit: '16kb',
  /** Scopes → claims the provider knows. `openid` alone: Waymark users carry no profile until `findClaims` gives one. */
  claims: { openid: ['sub'] } as Readonly<Record<string, readonly string[]>>,
  ttl: {
    /** One hour: the usual bearer lifetime; the web app refreshes or signs in again (silently while the session lives). */
    AccessToken: 3600,
    /** RFC 6749 §4.1.2 recommends at most ten minutes; one minute is plenty for a back-channel redemption. */
    AuthorizationCode: 60,
    /** One hour, like the access token it accompanies. */
    IdToken: 3600,
    /** Ten minutes to finish a sign-in: the default journey TTL of the engine is of the same order. */
    Interaction: 600,
    /** Eight hours: the default maximum lifetime of a Waymark session (`session.create` maxSeconds). */
    Session: 28800,
    /** Eight hours: an auto-granted first-party consent lasts as long as a session. */
    Grant: 28800,
    /** One day: refresh tokens are issued only for `offline_access`, which clients must ask for. */
    RefreshToken: 86400,
    /** Ten minutes: a client credentials token (no person behind it) is cheap to get again; an API's `accessTokenTtl` wins. */
    ClientCredentials: 600,
    /** Ten minutes for the person to enter a device's user code (RFC 8628 §3.2 `expires_in`). */
    DeviceCode: 600,
    /** Ten minutes for the person to approve a CIBA request; a shorter `requested_expiry` wins (CIBA §7.1). */
    BackchannelAuthenticationRequest: 600,
  },
} as const;

export type OidcTtl = { -readonly [K in keyof typeof DEFAULTS.ttl]: number };

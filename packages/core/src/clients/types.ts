import type { JsonObject } from '@waymark/sdk';
import type {
  CLIENT_TYPES,
  CORS_POLICIES,
  GRANT_TYPES,
  PKCE_ENFORCEMENTS,
  REQUEST_OBJECT_POLICIES,
  RESPONSE_TYPES,
  SIGNING_ALGORITHMS,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from './schema.js';

/** A JWK set: `{ keys: [JWK, …] }` (RFC 7517 §5). */
export interface JSONWebKeySet {
  keys: JsonObject[];
}

export type ClientType = (typeof CLIENT_TYPES)[number];
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export type PkceEnforcement = (typeof PKCE_ENFORCEMENTS)[number];
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
export type ResponseType = (typeof RESPONSE_TYPES)[number];
export type GrantType = (typeof GRANT_TYPES)[number];
export type CorsPolicy = (typeof CORS_POLICIES)[number];
export type RequestObjectPolicy = (typeof REQUEST_OBJECT_POLICIES)[number];

/** A client's logo, decoded from its data URL: what Waymark serves at the client's logo URL. */
export interface ClientLogo {
  readonly contentType: 'image/png' | 'image/jpeg' | 'image/gif';
  readonly bytes: Uint8Array;
}

/**
 * One client as written in configuration (JSON, snake_case, as PingOne and RFC 7591 name the
 * fields). Validated at start-up by `loadClients`.
 *
 * @example
 * const app: ClientConfig = {
 *   client_id: 'mobile-app', type: 'native', token_endpoint_auth_method: 'none',
 *   redirect_uris: ['com.example.app:/callback'], allowed_flows: ['login'], allowed_scopes: ['openid'],
 * };
 */
export interface ClientConfig {
  client_id: string;
  /** A label for people; never used for decisions. */
  name?: string;
  /** A short description for people (PingOne's description). */
  description?: string;
  /** A data URL of a JPEG, GIF or PNG image, at most 1 MB; Waymark serves it as the client's `logo_uri`. */
  logo?: string;
  /** Default true. A disabled client is refused (invalid_client) by every endpoint. */
  enabled?: boolean;
  /** Default true: the OpenID Provider grants the scopes it asks for without a consent page. */
  first_party?: boolean;
  /** Default `["code"]` (none for a `service`). */
  response_types?: ResponseType[];
  /** Default `["authorization_code"]` (`["authorization_code", "refresh_token"]` for an `ai-agent`, `["client_credentials"]` for a `service`). Implicit only when listed. */
  grant_types?: GrantType[];
  /** Sign-off URLs: where RP-initiated logout may send the browser (`post_logout_redirect_uri`). */
  post_logout_redirect_uris?: string[];
  /** OIDC Core §4: the client's login initiation endpoint. */
  initiate_login_uri?: string;
  /** OIDC Core §4: where a third-party initiated login lands the user. */
  target_link_uri?: string;
  /** Default `default`: a request object, when sent, must be signed. */
  request_object_signature?: RequestObjectPolicy;
  /** Default false: add `x5t` (the signing certificate's SHA-1 thumbprint) to token headers. */
  include_x5t?: boolean;
  /** Default false: RFC 9449 §5.2, every token request must carry a DPoP proof (tokens bound to the client's key). */
  dpop_bound_access_tokens?: boolean;
  /** Default false: RFC 8693 impersonation (a token exchange without an actor token, giving a token with no `act`). */
  token_exchange_impersonation?: boolean;
  /** Seconds; default 3600. */
  id_token_ttl?: number;
  /** Seconds; default 3600 (300 for an `ai-agent`). */
  access_token_ttl?: number;
  /** Only `opaque`: oidc-provider issues no JWT refresh tokens (`jwt` is refused with the reason). */
  refresh_token_format?: 'opaque' | 'jwt';
  /** Seconds each refresh token lives; default 30 days. */
  refresh_token_duration?: number;
  /** Seconds after the last sign-in refresh tokens keep rolling; default 180 days, at least the duration. */
  refresh_token_rolling_duration?: number;
  /** Seconds a rotated refresh token stays usable; default 0. */
  refresh_token_rolling_grace_period?: number;
  /** Default false (true for an `ai-agent`): reusing a rotated refresh token revokes its whole grant. */
  refresh_token_replay_protection?: boolean;
  /** Default `specific_origins` when `cors_origins` is given, else `no_origins`. */
  cors_policy?: CorsPolicy;
  /** True for a client shipped for demos (the shipped waymark.config.json's): `waymark serve` refuses it in production mode. Default false. */
  demo?: boolean;
  type: ClientType;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  /** For `client_secret_basic` / `client_secret_post`: at least 32 characters. */
  client_secret?: string;
  /** For `private_key_jwt`: the JWS algorithms the client may sign with (default: every asymmetric one). */
  token_endpoint_auth_signing_alg_values?: SigningAlgorithm[];
  /** For `private_key_jwt`: the client's public keys … */
  jwks?: JSONWebKeySet;
  /** … or an https URL serving them. */
  jwks_uri?: string;
  redirect_uris?: string[];
  /** Wildcard patterns (see redirect-uri.ts); not regular expressions. */
  redirect_uri_patterns?: string[];
  /** Default false: plain authorization requests are allowed as well as pushed ones. */
  require_pushed_authorization_requests?: boolean;
  /** Seconds a `request_uri` lives; default 60, 1..600. */
  par_reference_timeout?: number;
  /** Default `S256_REQUIRED`. */
  pkce?: PkceEnforcement;
  /** Flow ids this client may run; the first is its default flow. */
  allowed_flows: string[];
  /** Absolute URLs the redirect node may send a browser to (exact origin, path prefix). */
  redirect_targets?: string[];
  /** Parameters this client may push beyond the standard ones (`subject_token`, `target`, `ip`). */
  allowed_pushed_parameters?: string[];
  /** Origins allowed to call the JSON endpoints from a browser. */
  cors_origins?: string[];
  /**
   * The scopes the client may request (PingOne's selected scopes): a request naming any other
   * is refused with `invalid_scope` (RFC 6749 §3.3). Default none: a client that sends `scope`
   * must list what it sends.
   */
  allowed_scopes?: string[];
}

/** A validated client with its defaults applied, as the endpoints use it. Frozen. */
export interface Client {
  readonly clientId: string;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly logo: ClientLogo | undefined;
  readonly enabled: boolean;
  readonly firstParty: boolean;
  readonly responseTypes: readonly ResponseType[];
  readonly grantTypes: readonly GrantType[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly initiateLoginUri: string | undefined;
  readonly targetLinkUri: string | undefined;
  readonly requestObjectSignature: RequestObjectPolicy;
  readonly includeX5t: boolean;
  readonly dpopBoundAccessTokens: boolean;
  readonly tokenExchangeImpersonation: boolean;
  readonly idTokenTtl: number;
  readonly accessTokenTtl: number;
  readonly refreshTokenDuration: number;
  readonly refreshTokenRollingDuration: number;
  readonly refreshTokenRollingGracePeriod: number;
  readonly refreshTokenReplayProtection: boolean;
  readonly corsPolicy: CorsPolicy;
  /** `cors_origins` compiled (exact origins, or one-wildcard patterns). */
  readonly corsOriginPatterns: readonly RegExp[];
  readonly type: ClientType;
  readonly authMethod: TokenEndpointAuthMethod;
  /** True for `token_endpoint_auth_method: none`. */
  readonly isPublic: boolean;
  /** Present for the secret methods only. Never log it. */
  readonly secret: string | undefined;
  readonly signingAlgorithms: readonly SigningAlgorithm[];
  readonly jwks: JSONWebKeySet | undefined;
  readonly jwksUri: URL | undefined;
  readonly redirectUris: readonly string[];
  readonly redirectUriPatterns: readonly RegExp[];
  readonly requirePushedAuthorizationRequests: boolean;
  readonly parReferenceTimeout: number;
  readonly pkce: PkceEnforcement;
  readonly allowedFlows: readonly string[];
  /** `allowedFlows[0]`: the flow the client's policy starts when the request names none. */
  readonly defaultFlow: string;
  readonly redirectTargets: readonly string[];
  readonly allowedPushedParameters: readonly string[];
  readonly corsOrigins: readonly string[];
  readonly allowedScopes: readonly string[];
}

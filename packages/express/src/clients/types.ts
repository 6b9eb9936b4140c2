import type { JSONWebKeySet } from 'jose';
import type { CLIENT_TYPES, PKCE_ENFORCEMENTS, SIGNING_ALGORITHMS, TOKEN_ENDPOINT_AUTH_METHODS } from './schema.js';

export type ClientType = (typeof CLIENT_TYPES)[number];
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export type PkceEnforcement = (typeof PKCE_ENFORCEMENTS)[number];
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

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

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '@waymark/core';
import type { JsonObject, Logger, Stores } from '@waymark/sdk';
import type { OidcTtl } from './defaults.js';

/** What the provider needs of the engine: start, resume and inspect journeys, and know its flows. */
export type OidcEngine = Pick<Engine, 'start' | 'resume' | 'pending' | 'flow'>;

/** A client's Waymark policy: which journeys its logins may run. */
export interface WaymarkClientPolicy {
  /** Flow ids this client's logins may run; the first is the default, `acr_values` may name another. Required, non-empty. */
  flows: string[];
  /**
   * First-party clients get the scopes they ask for without a consent page (a Grant is created
   * in `loadExistingGrant`). Default true: the clients of one Waymark deployment are its own apps.
   * A client with `firstParty: false` gets `consent_required` (this package renders no consent page).
   */
  firstParty?: boolean;
  /** Origins allowed to call the token and userinfo endpoints with CORS (single-page apps). Default none. */
  corsOrigins?: string[];
}

/**
 * An OpenID Connect client: oidc-provider's client metadata (RFC 7591 names) plus the Waymark
 * policy under `waymark`.
 *
 * @example
 * { "client_id": "profile-app", "client_secret": "…", "redirect_uris": ["https://profile.example/callback"],
 *   "post_logout_redirect_uris": ["https://profile.example/"], "waymark": { "flows": ["login"] } }
 */
export interface OidcClientConfig {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  /** Default `client_secret_basic`; `none` for public clients (PKCE is required of every client). */
  token_endpoint_auth_method?: string;
  grant_types?: string[];
  response_types?: string[];
  client_name?: string;
  waymark: WaymarkClientPolicy;
  /** Any other oidc-provider client metadata. */
  [metadata: string]: unknown;
}

/** A private JSON Web Key (RFC 7517) the provider signs with. */
export type PrivateJwk = JsonObject & { kty: string };

/** Options of `createOidcProvider`. Defaults and their reasons are in `defaults.ts`. */
export interface OidcProviderOptions {
  /**
   * The provider's issuer identifier: https (http for localhost only), no query or fragment. Its
   * path is where the provider is mounted (`https://login.example/oidc` → `/oidc/...`). Required.
   */
  issuer: string;
  /** The engine whose flows the logins run (flows loaded before this call). Required. */
  engine: OidcEngine;
  /** The stores: sessions for the Waymark session, kv for the provider's storage. Required. */
  stores: Stores;
  /** Clients (validated at start-up). Required, at least one. */
  clients: readonly OidcClientConfig[];
  /** Private signing keys `{ keys: [...] }` (RS256 or ES256 first). Required unless `development`. */
  jwks?: { keys: readonly PrivateJwk[] };
  /** Keys that sign the provider's cookies (first signs, all verify), 32+ characters. Required unless `development`. */
  cookieKeys?: readonly string[];
  /** Development only: missing `jwks` fall back to oidc-provider's published development keys, missing `cookieKeys` to a random key. Default false. */
  development?: boolean;
  /** Name of the Waymark session cookie. Default `__Host-waymark-session`. */
  sessionCookie?: string;
  /** Scope → claims the provider may release. Default `{ openid: ['sub'] }`. */
  claims?: Readonly<Record<string, readonly string[]>>;
  /** Claims of a subject for the ID token and userinfo; default: `sub` only. */
  findClaims?: (sub: string, scope: string) => Promise<JsonObject> | JsonObject;
  /** Trust X-Forwarded-* from a TLS-terminating proxy. Default false. */
  proxy?: boolean;
  /** Proxies trusted for X-Forwarded-For (the client IP journeys see). Default none. */
  trustedProxies?: readonly string[];
  /** Lifetimes in seconds; any not given keeps its default. */
  ttl?: Partial<OidcTtl>;
  /** Default: silent. */
  logger?: Logger;
}

/**
 * The part of oidc-provider's `Provider` this package exposes. Inside, the package is typed with
 * the published `@types/oidc-provider`; its public types stay free of them, so an application
 * needs no oidc-provider (or koa) typings to use this package. Cast to `Provider` for the rest.
 */
export interface OidcProvider {
  readonly issuer: string;
  /** Node request handler; `router` mounts it at the issuer's path. */
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  /** Subscribes to the provider's events (`end_session.success`, `server_error`, …). */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileConfigSchema, ConfigInvalidError, type Auditor, type ConfigProblem, type ConfigSchema, type Engine } from '@waymark/core';
import type { ClientStore, JsonObject, Logger, Stores } from '@waymark/sdk';
import type { CibaHooks } from './ciba.js';
import type { OidcTtl } from './defaults.js';
import type { GrantOptions } from './grants.js';
import { oidcProviderOptionsSchema } from './options-schema.js';

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
  /** Required for clients that use a redirect (code, implicit); a client credentials, device or CIBA client omits it and sets `response_types: []`. */
  redirect_uris?: string[];
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

/**
 * A resource server (an API) the provider issues JWT access tokens for (RFC 8707 resource
 * indicators, RFC 9068 tokens), keyed by its resource indicator, which becomes the token's `aud`.
 *
 * @example
 * { "http://localhost:3000/session-transfer": { "scopes": ["session_transfer"], "clients": ["mobile-app"] } }
 */
export interface ResourceServerConfig {
  /** Scopes of this API a token may carry (the requested ones among them). Required, at least one. */
  scopes: string[];
  /** Clients that may ask for tokens for it. Default: every client. */
  clients?: string[];
  /** Lifetime of its access tokens in seconds. Default: `ttl.AccessToken`. */
  accessTokenTtl?: number;
  /** The `aud` of its tokens (also what token exchange's `audience` parameter names). Default: the resource indicator. */
  audience?: string;
  /** `jwt` (RFC 9068, validated offline with the provider's JWKS) or `opaque` (validated by introspection, RFC 7662; revocable). Default `jwt`. */
  accessTokenFormat?: 'jwt' | 'opaque';
}

/** A private JSON Web Key (RFC 7517) the provider signs with. */
export type PrivateJwk = JsonObject & { kty: string };

/**
 * Options of `createOidcProvider`. Defaults and their reasons are in `defaults.ts`; the JSON Schema
 * they are checked with (`checkOidcProviderOptions`) is `options-schema.ts`.
 */
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
  /**
   * Clients given as oidc-provider metadata plus `waymark` (validated at start-up), served as
   * configured: the library shape, kept for applications and tests that configure the provider
   * alone. Give `clientStore`, `clients` or both; a client id in both is served from `clients`.
   */
  clients?: readonly OidcClientConfig[];
  /**
   * The one client registry (issue 15): the control plane's client store, whose Waymark client
   * records (the adapter's client JSON, `loadClientRecord`) the provider derives its client
   * metadata from at every request, so a client changed or disabled in any process is served
   * as it is now. Every per-client field (lifetimes, refresh token rolling, CORS, PKCE, PAR,
   * request objects, x5t, scopes) is enforced.
   */
  clientStore?: ClientStore;
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
  /** APIs the provider issues JWT access tokens for (RFC 8707 `resource`), keyed by resource indicator. Default none. */
  resourceServers?: Readonly<Record<string, ResourceServerConfig>>;
  /** Grants beyond authorization code and refresh token (client credentials, device, CIBA) and introspection; see `grants.ts`. */
  grants?: GrantOptions;
  /** CIBA's hooks: who a `login_hint` is, and how the person is reached (required with `grants.ciba`). */
  ciba?: CibaHooks;
  /** Default: silent. */
  logger?: Logger;
  /**
   * Audit events of the provider: `authorize.ended` for each login interaction that ends
   * (success, or failure with its code, reason and failing node) and `session.ended` on logout.
   * Pass the adapter router's `audit` so that one trail holds both. Journey ends and sessions
   * created come from the engine's events, which whoever owns the engine subscribes once (the
   * adapter router does). Default: none.
   */
  audit?: Auditor;
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

/** Options after {@link checkOidcProviderOptions}: checked, defaults filled in, JSON parts copied. */
export interface CheckedOidcProviderOptions extends OidcProviderOptions {
  clients: readonly (OidcClientConfig & { waymark: Required<WaymarkClientPolicy> })[];
  clientStore?: ClientStore;
  development: boolean;
  sessionCookie: string;
  claims: Readonly<Record<string, readonly string[]>>;
  proxy: boolean;
  trustedProxies: readonly string[];
  ttl: OidcTtl;
  resourceServers: Readonly<Record<string, ResourceServerConfig>>;
}

const SUBJECT = 'OpenID Provider options';
let compiled: ConfigSchema<CheckedOidcProviderOptions> | undefined;

/** Plain objects and arrays copied, so that filling in defaults never changes the caller's value. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  return value;
}

/** What JSON Schema cannot say: the issuer's scheme, keys outside development, the engine's flows, one id per client. */
function semanticProblems(options: CheckedOidcProviderOptions): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ code: 'ERR_CONFIG_INVALID', pointer, message });
  if (typeof options.issuer === 'string' && URL.canParse(options.issuer)) {
    const url = new URL(options.issuer);
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local))
      problem('/issuer', `"${options.issuer}" must use https (http is allowed for localhost only)`);
    // OIDC Discovery §3: the issuer has no query or fragment.
    if (url.search || url.hash || options.issuer.includes('?') || options.issuer.includes('#'))
      problem('/issuer', `"${options.issuer}" must not have a query or fragment (OIDC Discovery §3)`);
  }
  if (options.development !== true) {
    if (options.jwks === undefined)
      problem(
        '/jwks',
        "is required: pass your private signing keys { keys: [...] } (oidc-provider's development keys are public; set development: true to use them in tests only)",
      );
    if (options.cookieKeys === undefined)
      problem('/cookieKeys', 'is required: pass one or more random secrets of 32+ characters (the first signs, all verify)');
  }
  if (options.grants?.ciba === true && typeof options.ciba?.findSubject !== 'function')
    problem('/ciba', 'is required with grants.ciba: pass { findSubject(loginHint, clientId) → sub | undefined, notify?(approval) }');
  const engine = options.engine as Partial<OidcEngine> | undefined;
  if (engine !== undefined && (typeof engine.start !== 'function' || typeof engine.flow !== 'function'))
    problem('/engine', 'must be the engine from createEngine() (with start, resume, pending and flow)');
  if (options.clients === undefined && options.clientStore === undefined)
    problem('', 'give "clientStore" (the client registry the adapter serves too) or "clients" (oidc-provider metadata plus "waymark")');
  const store = options.clientStore as Partial<ClientStore> | undefined;
  if (store !== undefined && (typeof store.get !== 'function' || typeof store.list !== 'function'))
    problem('/clientStore', 'must be a ClientStore (get, list, put, delete, revision), such as MemoryClientStore of @waymark/core');
  const ids = new Set((Array.isArray(options.clients) ? options.clients : []).map((c) => c?.client_id));
  const audiences = new Map<string, string>();
  for (const [indicator, server] of Object.entries(options.resourceServers ?? {})) {
    const at = `/resourceServers/${indicator.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    // RFC 8707 §2: an absolute URI without a fragment.
    if (!URL.canParse(indicator) || indicator.includes('#'))
      problem(at, `"${indicator}" must be an absolute URI without a fragment (RFC 8707 §2), such as "https://api.example.com/"`);
    const audience = server?.audience ?? indicator;
    const other = audiences.get(audience);
    if (other !== undefined)
      problem(`${at}/audience`, `"${audience}" is also the audience of "${other}": give each resource server its own audience`);
    else audiences.set(audience, indicator);
    (server?.clients ?? []).forEach((id, i) => {
      // Clients of the client store come and go at run time: only the static ones can be checked here.
      if (!ids.has(id) && options.clientStore === undefined)
        problem(`${at}/clients/${i}`, `names client "${id}", which is not one of "clients": add it or fix the id`);
    });
  }
  if (!Array.isArray(options.clients)) return problems;
  const seen = new Map<string, number>();
  options.clients.forEach((client, i) => {
    if (typeof client?.client_id !== 'string') return;
    const first = seen.get(client.client_id);
    if (first !== undefined)
      problem(`/clients/${i}/client_id`, `"${client.client_id}" appears twice (also /clients/${first}): give each client its own id`);
    else seen.set(client.client_id, i);
    const flows = client.waymark?.flows;
    if (!Array.isArray(flows) || typeof engine?.flow !== 'function') return;
    flows.forEach((flowId, j) => {
      if (typeof flowId === 'string' && !engine.flow!(flowId))
        problem(
          `/clients/${i}/waymark/flows/${j}`,
          `client "${client.client_id}" names flow "${flowId}", which the engine has not loaded: load it before createOidcProvider`,
        );
    });
  });
  return problems;
}

/**
 * Checks `createOidcProvider`'s options against {@link oidcProviderOptionsSchema} (core's
 * config validator) and what a schema cannot say, and returns them with every default filled in.
 * Every problem at once: ERR_CONFIG_INVALID ({@link ConfigInvalidError}), each with its JSON
 * pointer (`/clients/0/waymark/flows/1`) and the fix; secrets (keys, client secrets) are never
 * echoed. The caller's objects are not changed.
 *
 * @example
 * const checked = checkOidcProviderOptions({ issuer, engine, stores, clients, jwks, cookieKeys });
 * checked.ttl.AccessToken; // 3600 unless given
 */
export function checkOidcProviderOptions(options: OidcProviderOptions): CheckedOidcProviderOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new ConfigInvalidError(SUBJECT, [
      { code: 'ERR_CONFIG_INVALID', pointer: '', message: 'pass an object { issuer, engine, stores, clients, jwks, cookieKeys }' },
    ]);
  compiled ??= compileConfigSchema<CheckedOidcProviderOptions>(oidcProviderOptionsSchema, SUBJECT);
  // Engine, stores and functions by reference; the JSON parts copied (defaults go into them).
  const checked = Object.fromEntries(
    Object.entries(options).map(([key, value]) => [
      key,
      ['engine', 'stores', 'findClaims', 'logger', 'audit', 'ciba', 'clientStore'].includes(key) ? value : copy(value),
    ]),
  ) as unknown as CheckedOidcProviderOptions;
  const problems = compiled.problems(checked);
  problems.push(...semanticProblems(checked));
  if (problems.length > 0) throw new ConfigInvalidError(SUBJECT, problems);
  checked.clients ??= [];
  return checked;
}

import { generateKeyPairSync, randomBytes, createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigInvalidError, type Auditor, type ConfigProblem, type Engine } from '@waymark/core';
import {
  createOidcProvider,
  loggingNotifier,
  type CibaHooks,
  type GrantOptions,
  type PrivateJwk,
  type ResourceServerConfig,
  type WaymarkOidcProvider,
} from '@waymark/oidc-provider';
import type { ClientStore, Logger, Stores } from '@waymark/sdk';
import type { RequestHandler } from 'express';

/**
 * The `oidc` section of the serve configuration: an OpenID Provider (`@waymark/oidc-provider`)
 * mounted in the same app as the adapter, at `<issuer><path>`.
 *
 * Its clients are the server's one client registry (the top-level `clients`, kept in the
 * control plane's client store): the adapter and the provider serve the same clients.
 *
 * @example
 * "oidc": { "resourceServers": { "http://localhost:3000/session-transfer": { "scopes": ["session_transfer"] } } }
 */
export interface OidcSettings {
  /** Where the provider lives under the issuer: its issuer is `<issuer><path>`. Default "/oidc". */
  path?: string;
  /** A JSON file of the private signing keys `{ keys: [...] }`. Default: an RSA key generated per process (development). */
  jwksFile?: string;
  /** Keys signing the provider's cookies (32+ characters; also WAYMARK_OIDC_COOKIE_KEYS, comma-separated). Default: random per process. */
  cookieKeys?: string[];
  /** APIs the provider issues JWT access tokens for (RFC 8707), keyed by resource indicator. Default none. */
  resourceServers?: Record<string, ResourceServerConfig>;
  /** Scope → claims. Default { "openid": ["sub"] }. */
  claims?: Record<string, string[]>;
  /** Lifetimes in seconds (AccessToken, AuthorizationCode, IdToken, Interaction, Session, Grant, RefreshToken). */
  ttl?: Record<string, number>;
  /** Trust X-Forwarded-Proto/Host from a TLS-terminating proxy. Default false. */
  proxy?: boolean;
  /** Grants beyond authorization code and refresh token: client credentials, device, CIBA; and introspection. Default: none of the grants, introspection on. */
  grants?: GrantOptions;
}

/** The `oidc` section after validation: keys read or generated, paths absolute. */
export interface ResolvedOidcSettings {
  /** The provider's issuer: the server's issuer plus `path`. */
  issuer: string;
  /** The private signing keys. */
  jwks: { keys: PrivateJwk[] };
  /** True when the keys were generated for this process (no `jwksFile`). */
  generatedKeys: boolean;
  cookieKeys: string[];
  /** True when the cookie key is random for this process. */
  generatedCookieKeys: boolean;
  resourceServers: Record<string, ResourceServerConfig>;
  claims?: Record<string, string[]>;
  ttl?: Record<string, number>;
  proxy: boolean;
  grants?: GrantOptions;
}

/** The JSON Schema of the `oidc` key (the clients' own metadata is checked by @waymark/oidc-provider, pointers under /oidc). */
export const oidcSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'an OpenID Provider mounted beside the adapter at <issuer><path>, serving the clients of the top-level "clients" list: { "jwksFile"?, "cookieKeys"?, "resourceServers"?, "path"?: "/oidc" }',
  properties: {
    path: {
      type: 'string',
      pattern: '^(/[A-Za-z0-9._~-]+)+$',
      default: '/oidc',
      description: 'the path of the provider under the issuer, such as "/oidc" (its issuer is <issuer>/oidc). Default "/oidc"',
    },
    // Issue 15: one client registry. The provider's clients moved to the top-level list.
    clients: {
      not: {},
      description:
        'moved: the provider serves the clients of the top-level "clients" list (one registry for the adapter and the provider); put each there as Waymark client JSON (type, token_endpoint_auth_method, redirect_uris, allowed_flows, allowed_scopes) and remove oidc.clients',
    },
    jwksFile: {
      type: 'string',
      minLength: 1,
      description:
        'a JSON file of the private signing keys { "keys": [...] }, relative to this file. Default: an RSA key generated per process (development only)',
    },
    cookieKeys: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 32, writeOnly: true, description: 'a random secret of 32 characters or more' },
      description:
        "keys signing the provider's cookies, the first signs (also WAYMARK_OIDC_COOKIE_KEYS, comma-separated). Default: random per process",
    },
    resourceServers: {
      type: 'object',
      description:
        'APIs the provider issues JWT access tokens for (RFC 8707 resource indicators), keyed by indicator: { "http://localhost:3000/session-transfer": { "scopes": ["session_transfer"], "clients": ["mobile-app"] } }',
    },
    claims: { type: 'object', description: 'scope → the claims the provider may release, such as { "openid": ["sub"] }' },
    ttl: { type: 'object', description: 'lifetimes in seconds, such as { "AccessToken": 3600 }' },
    proxy: { type: 'boolean', default: false, description: 'trust X-Forwarded-Proto/Host from a TLS-terminating proxy. Default false' },
    grants: {
      type: 'object',
      description:
        'grants beyond authorization code and refresh token, each used by the clients whose grant_types list it: { "clientCredentials"?: true, "deviceFlow"?: true, "ciba"?: true, "introspection"?: false }. CIBA finds the person by username (or subject) in services.usersFile and writes approval links to the log (development only)',
    },
  },
} as const;

function problem(pointer: string, message: string): ConfigInvalidError {
  return new ConfigInvalidError('config', [{ code: 'ERR_CONFIG_INVALID', pointer, message }]);
}

/** An RSA key for this process: ID tokens are RS256 by default, and so are the JWT access tokens. */
function generatedJwks(): { keys: PrivateJwk[] } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
  return { keys: [{ ...jwk, kid: `dev-${randomBytes(6).toString('base64url')}`, alg: 'RS256', use: 'sig' } as PrivateJwk] };
}

function readJwks(file: string): { keys: PrivateJwk[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw problem(
      '/oidc/jwksFile',
      `cannot be read as JSON (${(error as Error).message.split('\n')[0]}); check the path, relative to the config file`,
    );
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw problem('/oidc/jwksFile', 'must hold a private JWK set { "keys": [ ... ] } with at least one key');
  return parsed as { keys: PrivateJwk[] };
}

/**
 * Resolves the `oidc` section (already checked against {@link oidcSettingsSchema}): the
 * provider's issuer, its keys (read from `jwksFile`, else generated for this process) and cookie
 * keys (the config, else WAYMARK_OIDC_COOKIE_KEYS, else random for this process).
 */
export function resolveOidcSettings(
  settings: OidcSettings,
  issuer: string,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedOidcSettings {
  const path = settings.path ?? '/oidc';
  const file =
    settings.jwksFile === undefined ? undefined : isAbsolute(settings.jwksFile) ? settings.jwksFile : resolve(baseDir, settings.jwksFile);
  const fromEnv = (env.WAYMARK_OIDC_COOKIE_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const configured = settings.cookieKeys ?? (fromEnv.length > 0 ? fromEnv : undefined);
  if (configured?.some((k) => k.length < 32))
    throw new ConfigInvalidError('environment', [
      { code: 'ERR_CONFIG_INVALID', pointer: '/WAYMARK_OIDC_COOKIE_KEYS', message: 'every key must be 32 characters or more' },
    ]);
  return {
    issuer: `${issuer.replace(/\/+$/, '')}${path}`,
    jwks: file === undefined ? generatedJwks() : readJwks(file),
    generatedKeys: file === undefined,
    cookieKeys: configured ?? [randomBytes(32).toString('base64url')],
    generatedCookieKeys: configured === undefined,
    resourceServers: settings.resourceServers ?? {},
    ...(settings.claims !== undefined ? { claims: settings.claims } : {}),
    ...(settings.ttl !== undefined ? { ttl: settings.ttl } : {}),
    proxy: settings.proxy ?? false,
    ...(settings.grants !== undefined ? { grants: settings.grants } : {}),
  };
}

/** The public half of the signing keys: what the provider's `jwks_uri` serves. */
export function publicJwks(jwks: { keys: readonly PrivateJwk[] }): { keys: JsonWebKey[] } {
  return {
    keys: jwks.keys.map((key) => {
      const { kid, alg, use } = key as { kid?: string; alg?: string; use?: string };
      const jwk = createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).export({ format: 'jwk' });
      return {
        ...jwk,
        ...(kid !== undefined ? { kid } : {}),
        ...(alg !== undefined ? { alg } : {}),
        ...(use !== undefined ? { use } : {}),
      };
    }),
  };
}

/** The provider's own option names → where they live in the serve configuration. */
const POINTERS: Record<string, string> = {
  '/jwks': '/oidc/jwksFile',
  '/cookieKeys': '/oidc/cookieKeys',
  '/issuer': '/oidc/path',
};

/** What CIBA needs of the user store: a person by username, or by subject. */
export interface CibaUserLookup {
  findByUsername(username: string): Promise<{ sub: string } | undefined>;
  findBySub(sub: string): Promise<{ sub: string } | undefined>;
}

/**
 * CIBA for `waymark serve`: the `login_hint` is a username (or a subject) of the users file, and
 * the approval link goes to the log (`ciba approval requested`), which is why production mode
 * refuses `grants.ciba` (mode.ts); an application that reaches people some other way embeds
 * `createOidcProvider` with its own `ciba.notify`.
 */
export function serveCibaHooks(users: CibaUserLookup, logger: Logger): CibaHooks {
  return {
    async findSubject(hint) {
      return ((await users.findByUsername(hint)) ?? (await users.findBySub(hint)))?.sub;
    },
    notify: loggingNotifier(logger),
  };
}

/**
 * Creates the provider for the resolved settings. Its own checks (client metadata, flows the
 * engine has not loaded, resource servers) come back as ERR_CONFIG_INVALID with pointers under
 * `/oidc`, so a problem names the place in the serve configuration.
 */
export function createConfiguredProvider(
  settings: ResolvedOidcSettings,
  deps: {
    engine: Engine;
    stores: Stores;
    /** The control plane's client store: the one registry the adapter serves too. */
    clientStore: ClientStore;
    /** The ids of the registry's clients at start-up: what a resource server's `clients` may name. */
    clientIds: readonly string[];
    logger: Logger;
    trustedProxies: readonly string[];
    audit?: Auditor | undefined;
    /** The users file's store: CIBA's `login_hint` names one of its people. */
    users?: CibaUserLookup | undefined;
  },
): WaymarkOidcProvider {
  if (settings.grants?.ciba === true && deps.users === undefined)
    throw problem(
      '/oidc/grants/ciba',
      'needs services.usersFile: the person a CIBA login_hint names is looked up there (by username, then subject)',
    );
  const unknown: ConfigProblem[] = [];
  for (const [indicator, server] of Object.entries(settings.resourceServers))
    (server.clients ?? []).forEach((id, i) => {
      if (!deps.clientIds.includes(id))
        unknown.push({
          code: 'ERR_CONFIG_INVALID',
          pointer: `/oidc/resourceServers/${indicator.replace(/~/g, '~0').replace(/\//g, '~1')}/clients/${i}`,
          message: `names client "${id}", which is not one of the top-level "clients": add it there or fix the id`,
        });
    });
  if (unknown.length > 0) throw new ConfigInvalidError('config', unknown);
  try {
    return createOidcProvider({
      issuer: settings.issuer,
      engine: deps.engine,
      stores: deps.stores,
      clientStore: deps.clientStore,
      jwks: settings.jwks,
      cookieKeys: settings.cookieKeys,
      resourceServers: settings.resourceServers,
      ...(settings.claims !== undefined ? { claims: settings.claims } : {}),
      ...(settings.ttl !== undefined ? { ttl: settings.ttl } : {}),
      proxy: settings.proxy,
      ...(settings.grants !== undefined ? { grants: settings.grants } : {}),
      ...(settings.grants?.ciba === true && deps.users ? { ciba: serveCibaHooks(deps.users, deps.logger) } : {}),
      trustedProxies: deps.trustedProxies,
      logger: deps.logger,
      ...(deps.audit ? { audit: deps.audit } : {}),
    });
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    const problems: ConfigProblem[] = error.problems.map((p) => ({ ...p, pointer: POINTERS[p.pointer] ?? `/oidc${p.pointer}` }));
    throw new ConfigInvalidError('config', problems);
  }
}

/**
 * The engine's fetch, answering the provider's own JWKS URL from memory: a flow that trusts
 * Waymark's provider (`token.validate` with `jwksUri: "<issuer>/oidc/jwks"`) then needs no request
 * to this very server, whatever host and port it listens on behind its public issuer URL.
 * Every other URL goes to `fetch` unchanged.
 */
export function fetchWithOwnJwks(issuer: string, jwks: { keys: object[] }, next: typeof fetch = fetch): typeof fetch {
  const own = `${issuer.replace(/\/+$/, '')}/jwks`;
  const body = JSON.stringify(jwks);
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url === own && (init?.method ?? 'GET').toUpperCase() === 'GET')
      return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'application/jwk-set+json' } }));
    return next(input, init);
  };
}

/**
 * RFC 8414 §3.1: the metadata of an issuer with a path lives at
 * `/.well-known/oauth-authorization-server<path>`. The provider serves it under its own path;
 * this handler answers the RFC's location with the same document.
 */
export function providerMetadataAlias(provider: WaymarkOidcProvider): RequestHandler {
  const at = `/.well-known/oauth-authorization-server${provider.mountPath}`;
  return function providerMetadataAlias(req, res, next) {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== at) return next();
    req.url = `${provider.mountPath}/.well-known/oauth-authorization-server`;
    provider.router(req, res, next);
  };
}

import { defineNode, type NodeContext } from '@waymark/sdk';
import { readNamedSecret } from './lib/secret-source.js';
import { introspectAccessToken } from './lib/token-introspection.js';
import { verifyJwtAccessToken, type JwtOptions, type TokenCheck } from './lib/token-jwt.js';

/** Asymmetric algorithms only: the keys come from the issuer's JWKS, so HS* would mean a shared secret (or an attack). */
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer', 'allowedClients'],
  properties: {
    /** Where the token is: a pushed parameter (never a front-channel one), a request header (Bearer for Authorization) or a journey secret. */
    from: {
      description: 'Token source: { pushed: name } | { header: name } | { secret: name }.',
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['pushed'], properties: { pushed: { type: 'string', minLength: 1 } } },
        { type: 'object', additionalProperties: false, required: ['header'], properties: { header: { type: 'string', minLength: 1 } } },
        { type: 'object', additionalProperties: false, required: ['secret'], properties: { secret: { type: 'string', minLength: 1 } } },
      ],
      default: { pushed: 'subject_token' },
    },
    /** `jwt`: verify an RFC 9068 JWT locally; `introspection`: ask the AS about an opaque token (RFC 7662). */
    mode: { type: 'string', enum: ['jwt', 'introspection'], default: 'jwt', description: 'jwt (RFC 9068) or introspection (RFC 7662).' },
    /** Expected `iss`; also the issuer of the introspection configuration. */
    issuer: { type: 'string', minLength: 1, description: 'Expected issuer.' },
    /** Expected `aud` (one of): required in jwt mode, checked when set in introspection mode. */
    audience: { description: 'Expected audience (one of).', oneOf: [{ type: 'string', minLength: 1 }, { ...stringList, minItems: 1 }] },
    /** JWKS URL of the issuer (jwt mode; or give `jwks`). */
    jwksUri: { type: 'string', format: 'uri', pattern: '^https?://', description: 'JWKS URL of the issuer.' },
    /** Inline JWKS (jwt mode; or give `jwksUri`). */
    jwks: {
      type: 'object',
      required: ['keys'],
      properties: { keys: { type: 'array', minItems: 1, items: { type: 'object' } } },
      description: 'Inline JWKS { keys: [...] }.',
    },
    /** Accepted JWS algorithms. Never `none`, never HS*: the schema refuses them. */
    algorithms: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: ASYMMETRIC },
      default: ['RS256', 'ES256', 'PS256', 'EdDSA'],
      description: 'Accepted asymmetric algorithms.',
    },
    /** Accepted `typ` headers (RFC 9068 §2.1); `application/` prefix optional. */
    types: { ...stringList, minItems: 1, default: ['at+jwt', 'application/at+jwt'], description: 'Accepted typ header values.' },
    /** Clock skew tolerated on exp, nbf and iat. */
    clockToleranceSeconds: { type: 'integer', minimum: 0, maximum: 300, default: 30, description: 'Clock skew tolerance in seconds.' },
    /** Refuse tokens issued longer ago than this (needs `iat`). */
    maxAgeSeconds: { type: 'integer', minimum: 1, description: 'Maximum token age in seconds (from iat).' },
    /** Clients the token must have been issued to (`client_id`, else `azp`): the native app. */
    allowedClients: { ...stringList, minItems: 1, description: 'Clients the token must be issued to.' },
    /** Scopes the token must carry (all of them). */
    requiredScopes: { ...stringList, default: [], description: 'Scopes the token must carry.' },
    /** Prefix of the state keys written on success (`sub`, `client_id`, `scope`). */
    statePrefix: { type: 'string', pattern: '^[A-Za-z0-9_.-]*$', maxLength: 64, default: '', description: 'Prefix of the state keys written.' },
    /** Longest token accepted. */
    maxTokenLength: { type: 'integer', minimum: 256, maximum: 65536, default: 8192, description: 'Longest token accepted, in characters.' },
    /** Minimum time between two JWKS refetches triggered by unknown `kid`s (jose's cooldown). */
    jwksCooldownSeconds: { type: 'integer', minimum: 0, maximum: 3600, default: 30, description: 'Minimum seconds between JWKS refetches.' },
    /** JWKS cache lifetime before a refetch. */
    jwksCacheMaxAgeSeconds: { type: 'integer', minimum: 0, maximum: 86400, default: 600, description: 'JWKS cache lifetime in seconds.' },
    /** HTTP timeout for the JWKS or introspection request. */
    timeoutMs: { type: 'integer', minimum: 100, maximum: 30000, default: 5000, description: 'HTTP timeout in milliseconds.' },
    /** Introspection client (mode `introspection`). */
    introspection: {
      type: 'object',
      additionalProperties: false,
      required: ['endpoint', 'clientId'],
      description: 'Introspection endpoint and client { endpoint, clientId, clientSecretName, authMethod }.',
      properties: {
        endpoint: { type: 'string', format: 'uri', pattern: '^https?://' },
        clientId: { type: 'string', minLength: 1 },
        clientSecretName: { type: 'string', minLength: 1 },
        authMethod: { type: 'string', enum: ['client_secret_basic', 'client_secret_post', 'none'], default: 'client_secret_basic' },
      },
    },
  },
  allOf: [
    {
      if: { required: ['mode'], properties: { mode: { const: 'introspection' } } },
      then: { required: ['introspection'] },
      else: { required: ['audience'], oneOf: [{ required: ['jwksUri'] }, { required: ['jwks'] }] },
    },
  ],
} as const;

type From = { pushed?: string; header?: string; secret?: string };

function readToken(ctx: NodeContext, from: From): string | undefined {
  // Only the pushed (back-channel) parameters: a token never travels in a front-channel URL.
  if (from.pushed !== undefined) return ctx.par?.params[from.pushed];
  if (from.secret !== undefined) return ctx.secrets[from.secret];
  const value = ctx.request.headers[(from.header ?? '').toLowerCase()];
  if (value === undefined) return undefined;
  if ((from.header ?? '').toLowerCase() !== 'authorization') return value.trim();
  const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(value.trim()); // RFC 6750 §2.1
  return bearer?.[1];
}

/* The JWT options of a node's config, built once per config (a flow's node config is fixed once
 * loaded), so the key set behind them is found without rebuilding them per journey. */
const jwtOptions = new WeakMap<object, JwtOptions>();

function jwtOptionsOf(config: { audience?: string | string[] } & Omit<JwtOptions, 'audience'>): JwtOptions {
  let options = jwtOptions.get(config);
  if (!options) {
    options = Object.freeze({ ...config, audience: config.audience ?? [] });
    jwtOptions.set(config, options);
  }
  return options;
}

function scopesOf(claims: Record<string, unknown>): string[] {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter(Boolean);
  if (Array.isArray(claims.scp)) return claims.scp.filter((s): s is string => typeof s === 'string');
  if (typeof claims.scp === 'string') return claims.scp.split(' ').filter(Boolean);
  return [];
}

/**
 * `token.validate` — validates the access token the app handed over (session transfer): a
 * JWT access token (RFC 9068) against the issuer's keys, or an opaque one by introspection
 * (RFC 7662). Beyond signature and lifetime it checks who the token was issued to: its
 * `client_id` (or `azp`) must be one of `allowedClients` and must not be the client that
 * pushed the request — a session-transfer client must not transfer its own tokens. On success
 * it writes `sub`, `client_id` and `scope` to state (with `statePrefix`); never the token.
 *
 * Outcomes: `valid`; `invalid` (reasons `missing`, `malformed`, `algorithm`, `signature`,
 * `unknown_kid`, `expired`, `no_expiry`, `not_yet_valid`, `issuer`, `audience`, `type`,
 * `client`, `scope`, `inactive`); `error` (`jwks_unavailable`, `introspection_unavailable`).
 *
 * @example
 * { "type": "token.validate",
 *   "config": { "issuer": "https://as.example", "audience": "https://waymark.example/session-transfer",
 *               "jwksUri": "https://as.example/jwks", "allowedClients": ["mobile-app"], "from": { "pushed": "subject_token" } },
 *   "outcomes": { "valid": "matchIp", "invalid": "failure", "error": "failure" } }
 */
export const tokenValidate = defineNode({
  type: 'token.validate',
  version: 1,
  description: 'Validates an access token (JWT or by introspection) and puts its subject into state.',
  config: schema,
  outcomes: ['valid', 'invalid', 'error'],
  async run(ctx, config) {
    const token = readToken(ctx, config.from as From);
    if (token === undefined || token === '') return { outcome: 'invalid', reason: 'missing' };
    if (token.length > config.maxTokenLength) return { outcome: 'invalid', reason: 'malformed' };
    const now = ctx.services.clock.now();
    const fetchImpl = (url: string, init: RequestInit) => ctx.services.fetch(url, init);
    let check: TokenCheck;
    if (config.mode === 'introspection' && config.introspection) {
      const i = config.introspection;
      check = await introspectAccessToken(
        token,
        {
          issuer: config.issuer,
          endpoint: i.endpoint,
          clientId: i.clientId,
          authMethod: i.authMethod,
          clientSecret: i.clientSecretName === undefined ? undefined : await readNamedSecret(ctx.services, i.clientSecretName),
          ...(config.audience !== undefined ? { audience: config.audience } : {}),
          clockToleranceSeconds: config.clockToleranceSeconds,
          ...(config.maxAgeSeconds !== undefined ? { maxAgeSeconds: config.maxAgeSeconds } : {}),
          timeoutMs: config.timeoutMs,
        },
        now,
        fetchImpl,
        ctx.signal,
      );
    } else {
      check = await verifyJwtAccessToken(token, jwtOptionsOf(config), now, fetchImpl);
    }
    if (!check.ok) {
      if (check.outcome === 'error') ctx.services.logger.warn('token.validate: key or introspection endpoint unavailable', { reason: check.reason, cause: check.cause });
      return { outcome: check.outcome, reason: check.reason };
    }
    const { claims } = check;
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : typeof claims.azp === 'string' ? claims.azp : undefined;
    if (clientId === undefined || !config.allowedClients.includes(clientId)) return { outcome: 'invalid', reason: 'client' };
    if (ctx.par && clientId === ctx.par.clientId) return { outcome: 'invalid', reason: 'client' };
    const scopes = scopesOf(claims);
    if (!config.requiredScopes.every((s) => scopes.includes(s))) return { outcome: 'invalid', reason: 'scope' };
    if (typeof claims.sub !== 'string' || claims.sub === '') return { outcome: 'invalid', reason: 'malformed' };
    ctx.state[`${config.statePrefix}sub`] = claims.sub;
    ctx.state[`${config.statePrefix}client_id`] = clientId;
    ctx.state[`${config.statePrefix}scope`] = scopes.join(' ');
    return 'valid';
  },
});

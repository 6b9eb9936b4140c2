import { createHash } from 'node:crypto';
import {
  ASYMMETRIC_ALGORITHMS,
  createAccessTokenValidator,
  type AccessTokenClaims,
  type AccessTokenValidator,
  type AccessTokenValidatorOptions,
  type JsonWebKeySet,
} from '@waymark/access-token';
import { defineNode, WaymarkError, type NodeContext, type Services } from '@waymark/sdk';
import { bindingProblem } from './lib/dpop-binding.js';
import { readNamedSecret } from './lib/secret-source.js';
import type { UserStore } from './users/user-store.js';

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
    /** Accepted JWS algorithms: asymmetric only (the keys come from the issuer's JWKS, so HS* would mean a shared secret, or an attack). Never `none`, never HS*: the schema refuses them. */
    algorithms: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: ASYMMETRIC_ALGORITHMS },
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
    /** Accept each token once: its `jti` is remembered in the stores until the token expires, so the same token pushed again is refused (`replayed`); a token without `jti` is refused (`no_jti`). */
    singleUse: { type: 'boolean', default: false, description: 'Accept each token once (by jti, remembered until exp).' },
    /** Refuse tokens whose user authenticated (`auth_time`, RFC 9068 §2.2.1) longer ago than this; a token without `auth_time` is refused. The app may have signed the user in days ago. */
    maxAuthAgeSeconds: { type: 'integer', minimum: 1, description: 'Maximum age of auth_time in seconds.' },
    /** With a user store (`services.users`), the subject must be a user it knows (`findBySub`). */
    requireKnownUser: { type: 'boolean', default: true, description: 'With services.users, the subject must be a known user.' },
    /** Introspection client (mode `introspection`). */
    introspection: {
      type: 'object',
      additionalProperties: false,
      required: ['endpoint', 'clientId'],
      description: 'Introspection endpoint and client { endpoint, clientId, clientSecretName, authMethod }.',
      properties: {
        // Checked at flow load, not at run time: a token never crosses a network in clear (https; http to this machine only).
        endpoint: {
          type: 'string',
          format: 'uri',
          pattern: '^(https://|http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{1,5})?([/?#]|$))',
          description: 'https URL of the introspection endpoint (plain http only to localhost, 127.0.0.1 or [::1]).',
        },
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

/* The JWT validator of a node's config, built once per config (a flow's node config is fixed once
 * loaded) and per clock and fetch, so journeys share it; its key set is shared per JWKS URL by
 * @waymark/access-token. */
const jwtValidators = new WeakMap<object, { clock: Services['clock']; fetch: Services['fetch']; validator: AccessTokenValidator }>();

type JwtConfig = Pick<AccessTokenValidatorOptions, 'issuer' | 'audience' | 'jwksUri' | 'algorithms' | 'types' | 'clockToleranceSeconds' | 'maxAgeSeconds' | 'maxTokenLength' | 'jwksCooldownSeconds' | 'jwksCacheMaxAgeSeconds' | 'timeoutMs'> & { jwks?: unknown };

function jwtValidatorOf(config: JwtConfig, services: Services): AccessTokenValidator {
  const known = jwtValidators.get(config);
  if (known && known.clock === services.clock && known.fetch === services.fetch) return known.validator;
  const fetchImpl = services.fetch;
  const validator = createAccessTokenValidator({
    issuer: config.issuer,
    audience: config.audience,
    ...(config.jwks !== undefined ? { jwks: config.jwks as JsonWebKeySet } : { jwksUri: config.jwksUri }),
    algorithms: config.algorithms,
    types: config.types,
    clockToleranceSeconds: config.clockToleranceSeconds,
    ...(config.maxAgeSeconds !== undefined ? { maxAgeSeconds: config.maxAgeSeconds } : {}),
    maxTokenLength: config.maxTokenLength,
    jwksCooldownSeconds: config.jwksCooldownSeconds,
    jwksCacheMaxAgeSeconds: config.jwksCacheMaxAgeSeconds,
    timeoutMs: config.timeoutMs,
    clock: services.clock,
    fetch: (url, init) => fetchImpl(url, init),
  });
  jwtValidators.set(config, { clock: services.clock, fetch: services.fetch, validator });
  return validator;
}

/**
 * Why a valid token must still not become a user's session, or undefined. A client-credentials
 * token names the client itself as its subject (RFC 9068 §2.2: `sub` "SHOULD correspond to an
 * identifier the authorization server uses to indicate the client application"); a user store
 * that does not know the subject; a sign-in older than `maxAuthAgeSeconds`.
 */
async function notAUsersToken(ctx: NodeContext, config: { maxAuthAgeSeconds?: number; clockToleranceSeconds: number; requireKnownUser: boolean }, claims: AccessTokenClaims, clientId: string): Promise<string | undefined> {
  if (claims.sub === clientId || claims.sub === claims.client_id || claims.sub === claims.azp) return 'not_a_user';
  if (config.maxAuthAgeSeconds !== undefined) {
    // RFC 9068 §2.2.1: auth_time is when the user authenticated, in seconds.
    const authTime = claims.auth_time;
    const now = ctx.services.clock.now() / 1000;
    if (typeof authTime !== 'number' || authTime > now + config.clockToleranceSeconds || now - authTime > config.maxAuthAgeSeconds + config.clockToleranceSeconds) return 'auth_time';
  }
  const users: UserStore | undefined = ctx.services.users;
  if (config.requireKnownUser && users) {
    if (typeof users.findBySub !== 'function')
      throw new WaymarkError('ERR_TOKEN_CONFIG', 'token.validate: services.users cannot look users up by subject (findBySub); give it findBySub or set requireKnownUser: false', {});
    if ((await users.findBySub(claims.sub)) === undefined) return 'unknown_user';
  }
  return undefined;
}

/**
 * Spends the token's `jti` (RFC 7519 §4.1.7): the counter store's atomic increment, keyed by a
 * hash of issuer and jti and kept until the token expires (plus the skew it is accepted with),
 * so of two redemptions of one token, even on two processes sharing the stores, exactly one
 * passes. Returns the refusal, or undefined for the first use.
 */
async function spendJti(ctx: NodeContext, config: { issuer: string; clockToleranceSeconds: number }, claims: AccessTokenClaims): Promise<string | undefined> {
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti === '') return 'no_jti';
  const key = `waymark:token-jti:${createHash('sha256').update(`${config.issuer}\0${jti}`).digest('base64url')}`;
  const remaining = Math.ceil(claims.exp + config.clockToleranceSeconds - ctx.services.clock.now() / 1000);
  const uses = await ctx.services.stores.counters.increment(key, Math.max(1, remaining));
  return uses === 1 ? undefined : 'replayed';
}

/**
 * `token.validate` — validates the access token the app handed over (session transfer): a
 * JWT access token (RFC 9068) against the issuer's keys, or an opaque one by introspection
 * (RFC 7662). Beyond signature and lifetime it checks who the token was issued to: its
 * `client_id` (or `azp`) must be one of `allowedClients` and must not be the client that
 * pushed the request — a session-transfer client must not transfer its own tokens — and that
 * it is a user's: not a client-credentials token (`sub` the client), a user the user store
 * knows (when one is configured), signed in within `maxAuthAgeSeconds` when set. With
 * `singleUse` each token is accepted once. On success it writes `sub`, `client_id` and `scope`
 * to state (with `statePrefix`); never the token. A token bound to a key (`cnf`) needs its DPoP
 * proof (see lib/dpop-binding.ts). It runs in the push phase (at the PAR endpoint).
 *
 * Outcomes: `valid`; `invalid` (reasons `missing`, `malformed`, `algorithm`, `signature`,
 * `unknown_kid`, `expired`, `no_expiry`, `not_yet_valid`, `issuer`, `audience`, `type`,
 * `client`, `scope`, `inactive`, `not_a_user`, `auth_time`, `unknown_user`, `no_jti`,
 * `replayed`, `dpop_missing`, `dpop_invalid`, `dpop_binding`, `dpop_replay`,
 * `unsupported_binding`); `error` (`jwks_unavailable`, `introspection_unavailable`).
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
  // Judges what was pushed and needs no browser: it runs at the PAR endpoint, so a bad token is refused there.
  pushPhase: true,
  async run(ctx, config) {
    const token = readToken(ctx, config.from as From);
    if (token === undefined || token === '') return { outcome: 'invalid', reason: 'missing' };
    if (token.length > config.maxTokenLength) return { outcome: 'invalid', reason: 'malformed' };
    let validator: AccessTokenValidator;
    if (config.mode === 'introspection' && config.introspection) {
      const i = config.introspection;
      const clientSecret = i.clientSecretName === undefined ? undefined : await readNamedSecret(ctx.services, i.clientSecretName);
      if (i.authMethod !== 'none' && clientSecret === undefined)
        throw new WaymarkError('ERR_TOKEN_CONFIG', `token.validate: introspection client "${i.clientId}" has no secret; set introspection.clientSecretName and wire services.secretSource`, {
          clientId: i.clientId,
        });
      const fetchImpl = ctx.services.fetch;
      // Built per run: the secret is read per run (rotation), and an introspection costs a round trip anyway.
      validator = createAccessTokenValidator({
        issuer: config.issuer,
        ...(config.audience !== undefined ? { audience: config.audience } : {}),
        introspection: { endpoint: i.endpoint, clientId: i.clientId, authMethod: i.authMethod, ...(clientSecret === undefined ? {} : { clientSecret }) },
        clockToleranceSeconds: config.clockToleranceSeconds,
        ...(config.maxAgeSeconds !== undefined ? { maxAgeSeconds: config.maxAgeSeconds } : {}),
        maxTokenLength: config.maxTokenLength,
        timeoutMs: config.timeoutMs,
        clock: ctx.services.clock,
        fetch: (url, init) => fetchImpl(url, init),
      });
    } else {
      validator = jwtValidatorOf(config as JwtConfig, ctx.services);
    }
    // The signal (the node's timeout) aborts an introspection request; a JWT is verified locally (its key set has its own timeout), so none is made for it.
    const result = await validator.validate(token, validator.mode === 'introspection' ? { signal: ctx.signal } : {});
    if (!result.ok) {
      const { error } = result;
      if (error.kind === 'unavailable') ctx.services.logger.warn('token.validate: key or introspection endpoint unavailable', { reason: error.reason, cause: error.details.cause });
      return { outcome: error.kind === 'unavailable' ? 'error' : 'invalid', reason: error.reason };
    }
    const { claims, clientId, scopes } = result;
    if (clientId === undefined || !config.allowedClients.includes(clientId)) return { outcome: 'invalid', reason: 'client' };
    if (ctx.par && clientId === ctx.par.clientId) return { outcome: 'invalid', reason: 'client' };
    if (!config.requiredScopes.every((s) => scopes.includes(s))) return { outcome: 'invalid', reason: 'scope' };
    const binding = await bindingProblem(ctx, token, claims, config.clockToleranceSeconds);
    if (binding !== undefined) return { outcome: 'invalid', reason: binding };
    const notAUser = await notAUsersToken(ctx, config, claims, clientId);
    if (notAUser !== undefined) return { outcome: 'invalid', reason: notAUser };
    // Last: only a token that passed every other check spends its jti.
    if (config.singleUse) {
      const spent = await spendJti(ctx, config, claims);
      if (spent !== undefined) return { outcome: 'invalid', reason: spent };
    }
    ctx.state[`${config.statePrefix}sub`] = claims.sub;
    ctx.state[`${config.statePrefix}client_id`] = clientId;
    ctx.state[`${config.statePrefix}scope`] = scopes.join(' ');
    return 'valid';
  },
});

import type { ClientRecord, JsonObject } from '@waymark/sdk';
import { compileConfigSchema, type ConfigProblem } from '../validate/index.js';
import { ClientConfigError, type ClientConfigProblem } from './errors.js';
import { compileRedirectUriPattern } from './redirect-uri.js';
import { compileCorsOrigin } from './cors.js';
import { decodeLogo } from './logo.js';
import { checkClientRules, defaultGrantTypes, defaultResponseTypes } from './rules.js';
import { CLIENT_LIMITS, SIGNING_ALGORITHMS, clientConfigSchema } from './schema.js';
import type { Client, ClientConfig, ClientLogo, JSONWebKeySet } from './types.js';

/**
 * The defaults an `ai-agent` brings (issue 15, from PingOne's AI agent page): an agent acts
 * without a person watching, so its access tokens are short (five minutes), its refresh tokens
 * rotate with replay protection (a leaked, already used one revokes the whole grant), PKCE S256
 * is required and the implicit grant is refused (rules.ts). Any of them may be set explicitly.
 */
export const AI_AGENT_DEFAULTS = {
  /** Five minutes: an agent refreshes rather than holding a long-lived bearer token. */
  accessTokenTtl: 300,
  /** Reuse of a rotated refresh token revokes the grant. */
  refreshTokenReplayProtection: true,
  /** No grace: a rotated refresh token is dead at once. */
  refreshTokenRollingGracePeriod: 0,
} as const;

/** The defaults every other client gets (PingOne's). */
export const CLIENT_DEFAULTS = {
  /** One hour (PingOne recommends an hour or less). */
  idTokenTtl: 3600,
  /** One hour. */
  accessTokenTtl: 3600,
  refreshTokenReplayProtection: false,
  refreshTokenRollingGracePeriod: 0,
} as const;

// Compiled once, at module load, by core's configuration validator (the one every Waymark
// configuration goes through): start-up pays for it, requests never do.
const clientSchema = compileConfigSchema<ClientConfig>(clientConfigSchema, 'client');

/*
 * A schema problem in the client's words. Core's messages quote the offending value; a
 * client_secret's value is a secret, so its problems say what a secret must be instead.
 */
function messageOf(problem: ConfigProblem): string {
  if (problem.pointer === '/client_secret')
    return 'must be a string of 32 to 512 characters: use at least 32 random characters (openssl rand -base64 32)';
  if (problem.pointer === '/logo') return 'must be a data URL of a JPEG, GIF or PNG image of at most 1 MB ("data:image/png;base64,...")';
  return problem.message;
}

function resolve(config: ClientConfig): Client {
  const patterns = (config.redirect_uri_patterns ?? []).map((p) => compileRedirectUriPattern(p) as RegExp);
  const agent = config.type === 'ai-agent';
  const grants = config.grant_types ?? defaultGrantTypes(config);
  const corsOrigins = config.cors_origins ?? [];
  const client: Client = {
    clientId: config.client_id,
    name: config.name,
    description: config.description,
    logo: config.logo !== undefined ? (decodeLogo(config.logo) as ClientLogo) : undefined,
    enabled: config.enabled ?? true,
    firstParty: config.first_party ?? true,
    type: config.type,
    responseTypes: Object.freeze([...(config.response_types ?? defaultResponseTypes(grants))]),
    grantTypes: Object.freeze([...grants]),
    authMethod: config.token_endpoint_auth_method,
    isPublic: config.token_endpoint_auth_method === 'none',
    secret: config.client_secret,
    signingAlgorithms: Object.freeze([...(config.token_endpoint_auth_signing_alg_values ?? SIGNING_ALGORITHMS)]),
    jwks: config.jwks ? (JSON.parse(JSON.stringify(config.jwks)) as JSONWebKeySet) : undefined,
    jwksUri: config.jwks_uri !== undefined ? new URL(config.jwks_uri) : undefined,
    redirectUris: Object.freeze([...(config.redirect_uris ?? [])]),
    redirectUriPatterns: Object.freeze(patterns),
    postLogoutRedirectUris: Object.freeze([...(config.post_logout_redirect_uris ?? [])]),
    initiateLoginUri: config.initiate_login_uri,
    targetLinkUri: config.target_link_uri,
    requirePushedAuthorizationRequests: config.require_pushed_authorization_requests ?? false,
    parReferenceTimeout: config.par_reference_timeout ?? 60,
    pkce: config.pkce ?? 'S256_REQUIRED',
    requestObjectSignature: config.request_object_signature ?? 'default',
    includeX5t: config.include_x5t ?? false,
    idTokenTtl: config.id_token_ttl ?? CLIENT_DEFAULTS.idTokenTtl,
    accessTokenTtl: config.access_token_ttl ?? (agent ? AI_AGENT_DEFAULTS : CLIENT_DEFAULTS).accessTokenTtl,
    refreshTokenDuration: config.refresh_token_duration ?? CLIENT_LIMITS.refreshDuration,
    refreshTokenRollingDuration: config.refresh_token_rolling_duration ?? CLIENT_LIMITS.refreshRollingDuration,
    refreshTokenRollingGracePeriod:
      config.refresh_token_rolling_grace_period ?? (agent ? AI_AGENT_DEFAULTS : CLIENT_DEFAULTS).refreshTokenRollingGracePeriod,
    refreshTokenReplayProtection:
      config.refresh_token_replay_protection ?? (agent ? AI_AGENT_DEFAULTS : CLIENT_DEFAULTS).refreshTokenReplayProtection,
    allowedFlows: Object.freeze([...config.allowed_flows]),
    defaultFlow: config.allowed_flows[0] as string,
    redirectTargets: Object.freeze([...(config.redirect_targets ?? [])]),
    allowedPushedParameters: Object.freeze([...(config.allowed_pushed_parameters ?? [])]),
    corsPolicy: config.cors_policy ?? (corsOrigins.length > 0 ? 'specific_origins' : 'no_origins'),
    corsOrigins: Object.freeze([...corsOrigins]),
    corsOriginPatterns: Object.freeze(corsOrigins.map((o) => compileCorsOrigin(o) as RegExp)),
    allowedScopes: Object.freeze([...(config.allowed_scopes ?? [])]),
  };
  return Object.freeze(client);
}

/**
 * Validates client configurations (JSON, as read from a file) and resolves their defaults.
 * Every problem of every client is reported at once in one `ERR_CLIENT_CONFIG` error naming
 * the client index and id, the field and the fix. The input is not modified.
 *
 * @example
 * const clients = loadClients(JSON.parse(readFileSync('clients.json', 'utf8')));
 */
export function loadClients(input: unknown): Client[] {
  if (!Array.isArray(input)) {
    throw new ClientConfigError([{ index: -1, clientId: undefined, field: '/', message: 'clients must be an array of client configurations' }]);
  }
  const problems: Omit<ClientConfigProblem, 'pointer' | 'code'>[] = [];
  const resolved: Client[] = [];
  const seen = new Map<string, number>();
  input.forEach((raw: unknown, index) => {
    const rawId = raw !== null && typeof raw === 'object' ? (raw as { client_id?: unknown }).client_id : undefined;
    const clientId = typeof rawId === 'string' && rawId !== '' ? rawId : undefined;
    const report = (field: string, message: string) => problems.push({ index, clientId, field, message });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      report('/', 'must be an object such as { "client_id": ..., "type": ..., ... }');
      return;
    }
    // The validator fills in defaults in place: validate a copy so the caller's JSON stays as written.
    const config = structuredClone(raw) as ClientConfig;
    const violations = clientSchema.problems(config);
    for (const v of violations) report(v.pointer || '/', messageOf(v));
    if (clientId !== undefined) {
      const first = seen.get(clientId);
      if (first !== undefined) report('/client_id', `duplicates the client_id of clients[${first}]; client ids must be unique`);
      else seen.set(clientId, index);
    }
    if (violations.length > 0) return;
    const ruleProblems = checkClientRules(config);
    for (const p of ruleProblems) report(p.field, p.message);
    if (ruleProblems.length === 0) resolved.push(resolve(config));
  });
  if (problems.length > 0) throw new ClientConfigError(problems);
  return resolved;
}

/**
 * The problems of one client configuration, exactly as `loadClients` (start-up) finds them:
 * the field (a JSON pointer below the client) and the fix of each; none when it is valid. For
 * a control plane that checks a client before it saves it (the admin API).
 *
 * @example
 * clientConfigProblems({ client_id: 'web', type: 'web', token_endpoint_auth_method: 'none', allowed_flows: ['login'], colour: 'red' });
 * // [{ pointer: '/colour', message: '…' }, …]
 */
export function clientConfigProblems(config: unknown): { pointer: string; message: string }[] {
  try {
    loadClients([config]);
    return [];
  } catch (error) {
    if (!(error instanceof ClientConfigError)) throw error;
    return error.problems.map((p) => ({ pointer: p.field, message: p.message }));
  }
}

/**
 * One client of the client store, as every endpoint serves it: the record's configuration with
 * its secret beside it, validated exactly as at start-up (ERR_CLIENT_CONFIG, pointers below the
 * client). A disabled record resolves to a client with `enabled: false`; callers refuse it.
 *
 * @example
 * const record = await stores.clients.get('agent');
 * const client = record && loadClientRecord(record);
 */
export function loadClientRecord(record: Pick<ClientRecord, 'config' | 'secret' | 'enabled'>): Client {
  const raw: JsonObject = { ...record.config, ...(record.secret !== undefined ? { client_secret: record.secret } : {}) };
  const client = loadClients([raw])[0] as Client;
  return record.enabled && client.enabled ? client : Object.freeze({ ...client, enabled: false });
}

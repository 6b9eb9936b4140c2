import type { ClientConfig, GrantType, ResponseType } from './types.js';
import { CLIENT_LIMITS } from './schema.js';
import { compileCorsOrigin } from './cors.js';
import { decodeLogo } from './logo.js';
import { compileRedirectUriPattern, redirectUriProblem } from './redirect-uri.js';
import { CLIENT_AUTH_PARAMETERS, REQUEST_OBJECT_PARAMETERS, STANDARD_AUTHORIZATION_PARAMETERS, TOKEN_PARAMETERS } from './oauth-parameters.js';

/** A rule violation: the field (JSON pointer below the client) and what to do. */
export interface RuleProblem {
  field: string;
  message: string;
}

/** JWK members that only a private (or symmetric) key has (RFC 7517 §9.2, RFC 7518 §6). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/** Cross-field rules of one client that passed the schema. */
export function checkClientRules(config: ClientConfig): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const method = config.token_endpoint_auth_method;
  const hasJwks = config.jwks !== undefined;
  const hasJwksUri = config.jwks_uri !== undefined;

  if (method === 'none') {
    if (config.client_secret !== undefined) add('/client_secret', 'a public client (token_endpoint_auth_method "none") has no secret; remove client_secret or pick a secret method');
    if (hasJwks || hasJwksUri) add(hasJwks ? '/jwks' : '/jwks_uri', 'a public client has no keys; remove it or use token_endpoint_auth_method "private_key_jwt"');
    // RFC 9700 §2.1.1: public clients must use PKCE.
    if (config.pkce === 'OPTIONAL') add('/pkce', 'a public client must use PKCE (RFC 9700 §2.1.1); use "S256_REQUIRED" (or "REQUIRED")');
  }
  if (method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt') {
    if (config.client_secret === undefined) add('/client_secret', `"${method}" needs client_secret; add one of at least 32 random characters (openssl rand -base64 32)`);
    if (hasJwks || hasJwksUri) add(hasJwks ? '/jwks' : '/jwks_uri', `"${method}" authenticates with a secret; remove the keys or use "private_key_jwt"`);
  }
  if (method === 'private_key_jwt') {
    if (config.client_secret !== undefined) add('/client_secret', '"private_key_jwt" authenticates with keys; remove client_secret');
    if (hasJwks === hasJwksUri) add('/jwks', '"private_key_jwt" needs exactly one of jwks (inline public keys) or jwks_uri');
    config.jwks?.keys.forEach((key, i) => {
      const present = PRIVATE_JWK_MEMBERS.filter((m) => (key as Record<string, unknown>)[m] !== undefined);
      if (present.length > 0 || key.kty === 'oct')
        add(`/jwks/keys/${i}`, `is a private or symmetric key (${present.join(', ') || 'kty "oct"'}); register the public key only`);
    });
    if (config.jwks_uri !== undefined) {
      const url = URL.canParse(config.jwks_uri) ? new URL(config.jwks_uri) : undefined;
      if (!url || url.protocol !== 'https:') add('/jwks_uri', 'must be an absolute https URL');
    }
  } else if (config.token_endpoint_auth_signing_alg_values !== undefined) {
    add('/token_endpoint_auth_signing_alg_values', 'applies to "private_key_jwt" only; remove it');
  }

  // RFC 8252 §8.5: native apps and browser apps cannot keep a secret.
  if ((config.type === 'native' || config.type === 'spa') && method !== 'none')
    add('/token_endpoint_auth_method', `a "${config.type}" client cannot keep a secret (RFC 8252 §8.5); use "none" with PKCE`);
  if (config.type === 'service' && method === 'none') add('/token_endpoint_auth_method', 'a "service" client must authenticate; use a secret method or "private_key_jwt"');

  config.redirect_uris?.forEach((uri, i) => {
    const problem = redirectUriProblem(uri, config.type === 'native');
    if (problem) add(`/redirect_uris/${i}`, problem);
  });
  config.redirect_uri_patterns?.forEach((pattern, i) => {
    const compiled = compileRedirectUriPattern(pattern);
    if (typeof compiled === 'string') add(`/redirect_uri_patterns/${i}`, compiled);
  });
  config.redirect_targets?.forEach((target, i) => {
    const url = URL.canParse(target) ? new URL(target) : undefined;
    if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))))
      add(`/redirect_targets/${i}`, `"${target}" must be an absolute https URL (origin and path prefix)`);
    else if (url.username || url.password || url.search || url.hash || target.includes('*'))
      add(`/redirect_targets/${i}`, `"${target}" must be an origin with an optional path prefix: no user info, query, fragment or wildcard`);
  });
  config.allowed_pushed_parameters?.forEach((name, i) => {
    if (STANDARD_AUTHORIZATION_PARAMETERS.has(name)) add(`/allowed_pushed_parameters/${i}`, `"${name}" is a standard parameter and always allowed; remove it`);
    if (CLIENT_AUTH_PARAMETERS.has(name) || REQUEST_OBJECT_PARAMETERS.has(name))
      add(`/allowed_pushed_parameters/${i}`, `"${name}" can never be pushed as an authorization parameter; remove it`);
    // Tokens must never travel in a front-channel URL: a client pushing one may not use plain authorize.
    if (TOKEN_PARAMETERS.has(name) && config.require_pushed_authorization_requests !== true)
      add('/require_pushed_authorization_requests', `"${name}" carries a token; set require_pushed_authorization_requests to true so it never travels in a URL`);
  });
  config.cors_origins?.forEach((origin, i) => {
    const compiled = compileCorsOrigin(origin);
    if (typeof compiled === 'string') add(`/cors_origins/${i}`, compiled);
  });
  if (config.cors_origins !== undefined && config.cors_policy !== undefined && config.cors_policy !== 'specific_origins')
    add('/cors_policy', `"${config.cors_policy}" ignores cors_origins; set cors_policy to "specific_origins" or remove cors_origins`);
  if (config.cors_policy === 'specific_origins' && (config.cors_origins ?? []).length === 0)
    add('/cors_origins', '"specific_origins" needs at least one origin; list them, or set cors_policy to "no_origins"');
  problems.push(...modelProblems(config));
  return problems;
}

/** The grant a response type needs (OIDC Core §3: `code` → authorization code; `id_token`/`token` → implicit). */
function grantsOf(responseType: string): string[] {
  const parts = responseType.split(' ');
  return [
    ...(parts.includes('code') ? ['authorization_code'] : []),
    ...(parts.includes('token') || parts.includes('id_token') ? ['implicit'] : []),
  ];
}

/** Rules of the one client model's fields (issue 15): each contradiction with its fix. */
function modelProblems(config: ClientConfig): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const type = config.type;
  const grants = config.grant_types ?? defaultGrantTypes(config);
  const responses = config.response_types ?? defaultResponseTypes(grants);
  const pkce = config.pkce ?? 'S256_REQUIRED';

  if (config.logo !== undefined) {
    const logo = decodeLogo(config.logo);
    if (typeof logo === 'string') add('/logo', logo);
  }
  // A response type the grants cannot serve, and a front-channel grant no response type uses.
  responses.forEach((responseType, i) => {
    for (const grant of grantsOf(responseType))
      if (!grants.includes(grant as never))
        add(`/response_types/${i}`, `"${responseType}" needs the "${grant}" grant; add it to grant_types or remove the response type`);
  });
  for (const grant of ['authorization_code', 'implicit'] as const) {
    const at = grants.indexOf(grant);
    if (at >= 0 && !responses.some((r) => grantsOf(r).includes(grant)))
      add(`/grant_types/${at}`, `no response type uses "${grant}"; add ${grant === 'implicit' ? '"id_token" or "id_token token"' : '"code"'} to response_types or remove the grant`);
  }
  const implicit = grants.indexOf('implicit');
  if (implicit >= 0) {
    if (type === 'ai-agent')
      add(`/grant_types/${implicit}`, 'an "ai-agent" never uses the implicit grant (tokens in a URL); remove it and use "authorization_code" with PKCE');
    // PKCE binds a code to its redemption; the implicit grant has no code (RFC 7636 §1).
    else if (pkce !== 'OPTIONAL')
      add('/pkce', `the implicit grant has no code for PKCE to bind, so pkce "${pkce}" cannot be met; set pkce to "OPTIONAL" or remove "implicit"`);
    // Tokens in a redirect's fragment travel to https redirect URIs only (OIDC Core §3.2.2.1).
    config.redirect_uris?.forEach((uri, i) => {
      if (!uri.startsWith('https:') && config.type !== 'native')
        add(`/redirect_uris/${i}`, `"${uri}": the implicit grant returns tokens in the URL, so its redirect URIs must use https; use https or remove "implicit"`);
    });
    if (config.token_endpoint_auth_method === 'none')
      add(`/grant_types/${implicit}`, 'a public client may not use the implicit grant (RFC 9700 §2.1.2); remove it and use "authorization_code" with PKCE');
  }
  if (type === 'ai-agent' && config.pkce !== undefined && config.pkce !== 'S256_REQUIRED')
    add('/pkce', 'an "ai-agent" must use PKCE with S256; set pkce to "S256_REQUIRED" or remove it');
  const front = grants.includes('authorization_code') || grants.includes('implicit');
  if (front && (config.redirect_uris ?? []).length === 0 && (config.redirect_uri_patterns ?? []).length === 0)
    add('/redirect_uris', 'the authorization code and implicit grants redirect the browser back; list at least one redirect URI (or pattern)');
  const machine = grants.indexOf('client_credentials');
  if (machine >= 0 && config.token_endpoint_auth_method === 'none')
    add(`/grant_types/${machine}`, 'client credentials need an authenticating client; pick a secret method or "private_key_jwt", or remove the grant');
  // RFC 6749 §4.4.3: client credentials issue no refresh token; a service alone has no refresh token to roll.
  if (config.refresh_token_format === 'jwt')
    add('/refresh_token_format', 'oidc-provider issues opaque refresh tokens only (a JWT refresh token cannot be revoked by its grant); use "opaque" or remove the field');
  const refreshFields = [
    'refresh_token_format',
    'refresh_token_duration',
    'refresh_token_rolling_duration',
    'refresh_token_rolling_grace_period',
    'refresh_token_replay_protection',
  ] as const;
  if (!grants.includes('refresh_token'))
    for (const field of refreshFields)
      if (config[field] !== undefined) add(`/${field}`, 'applies to refresh tokens; add "refresh_token" to grant_types or remove it');
  const duration = config.refresh_token_duration ?? CLIENT_LIMITS.refreshDuration;
  const rolling = config.refresh_token_rolling_duration ?? CLIENT_LIMITS.refreshRollingDuration;
  if (rolling < duration)
    add('/refresh_token_rolling_duration', `${rolling} is shorter than refresh_token_duration (${duration}); the rolling duration must be at least the duration`);
  if (config.refresh_token_rolling_grace_period !== undefined && config.refresh_token_rolling_grace_period >= duration)
    add('/refresh_token_rolling_grace_period', 'must be shorter than refresh_token_duration: a rotated token cannot outlive a fresh one');
  if (config.request_object_signature === 'require_signed' && config.token_endpoint_auth_method === 'none')
    add('/request_object_signature', 'a signed request object needs the client\'s key or secret; use "private_key_jwt" or a secret method, or "default"');
  for (const field of ['initiate_login_uri', 'target_link_uri'] as const) {
    const value = config[field];
    if (value === undefined) continue;
    const url = URL.canParse(value) ? new URL(value) : undefined;
    if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))) || url.hash)
      add(`/${field}`, `"${value}" must be an absolute https URL without a fragment (OIDC Core §4)`);
  }
  config.post_logout_redirect_uris?.forEach((uri, i) => {
    const problem = redirectUriProblem(uri, config.type === 'native');
    if (problem) add(`/post_logout_redirect_uris/${i}`, problem);
  });
  return problems;
}

/**
 * The grant types a client has when it lists none: never implicit (issue 15). A service uses
 * client credentials; a client without redirect URIs no browser grant (the adapter's
 * session-transfer client ends its journeys at redirect targets); an agent refreshes.
 */
export function defaultGrantTypes(config: Pick<ClientConfig, 'type' | 'redirect_uris' | 'redirect_uri_patterns'>): GrantType[] {
  if (config.type === 'service') return ['client_credentials'];
  if ((config.redirect_uris ?? []).length === 0 && (config.redirect_uri_patterns ?? []).length === 0) return [];
  if (config.type === 'ai-agent') return ['authorization_code', 'refresh_token'];
  return ['authorization_code'];
}

/** The response types a client has when it lists none: `code` when it has the authorization code grant. */
export function defaultResponseTypes(grants: readonly GrantType[]): ResponseType[] {
  return grants.includes('authorization_code') ? ['code'] : [];
}

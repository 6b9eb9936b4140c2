import type { ClientConfig } from './types.js';
import { compileRedirectUriPattern, redirectUriProblem } from './redirect-uri.js';
import { CLIENT_AUTH_PARAMETERS, REQUEST_OBJECT_PARAMETERS, STANDARD_AUTHORIZATION_PARAMETERS, TOKEN_PARAMETERS } from '../lib/oauth-parameters.js';

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
  if (method === 'client_secret_basic' || method === 'client_secret_post') {
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
    const url = URL.canParse(origin) ? new URL(origin) : undefined;
    if (!url || url.origin === 'null' || url.origin !== origin)
      add(`/cors_origins/${i}`, `"${origin}" must be a bare origin such as "https://app.example.com" (no path, no trailing slash)`);
  });
  return problems;
}

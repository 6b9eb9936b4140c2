import type { RequestHandler } from 'express';
import type { RouterContext } from '../../options.js';

/** The RFC 8414 §2 document this adapter publishes. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  pushed_authorization_request_endpoint: string;
  require_pushed_authorization_requests: boolean;
  token_endpoint_auth_methods_supported: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  code_challenge_methods_supported: string[];
  response_types_supported: string[];
  grant_types_supported: string[];
  response_modes_supported: string[];
  authorization_response_iss_parameter_supported: boolean;
}

/**
 * Builds the metadata from the clients (once, at start-up).
 *
 * - `require_pushed_authorization_requests` (RFC 9126 §5) is server-wide: true only when every
 *   client requires PAR. Otherwise false, and each client's own setting still applies at the
 *   authorize endpoint.
 * - `code_challenge_methods_supported` lists `plain` only when some client's PKCE enforcement
 *   allows it (OPTIONAL or REQUIRED); S256 always.
 * - `token_endpoint_auth_methods_supported` lists the methods registered clients use (all four
 *   when there is no client yet); they are what `/par` authenticates with (RFC 9126 §2).
 * - No claim the adapter cannot honour: it has no token endpoint and never answers with an
 *   authorization code (a journey ends in a redirect to an allowlisted target or a page), so
 *   `response_types_supported` and `grant_types_supported` are empty (RFC 8414 §2 would
 *   otherwise default the grant types to authorization_code and implicit) and no
 *   `token_endpoint` or `jwks_uri` is named. `response_type=code` is still what `/par` and
 *   `/authorize` require, as the syntax of an authorization request (RFC 6749 §4.1.1). An OpenID
 *   Provider mounted beside the adapter is another issuer with its own document.
 */
export function buildMetadata(ctx: RouterContext): AuthorizationServerMetadata {
  const clients = ctx.clients.all();
  const methods = clients.length === 0 ? ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] : [...new Set(clients.map((c) => c.authMethod))].sort();
  const jwtAlgs = [...new Set(clients.filter((c) => c.authMethod === 'private_key_jwt').flatMap((c) => c.signingAlgorithms))].sort();
  return {
    issuer: ctx.issuer,
    authorization_endpoint: ctx.endpoints.authorization,
    pushed_authorization_request_endpoint: ctx.endpoints.pushedAuthorizationRequest,
    require_pushed_authorization_requests: clients.length > 0 && clients.every((c) => c.requirePushedAuthorizationRequests),
    token_endpoint_auth_methods_supported: methods,
    ...(jwtAlgs.length > 0 ? { token_endpoint_auth_signing_alg_values_supported: jwtAlgs } : {}),
    code_challenge_methods_supported: clients.some((c) => c.pkce !== 'S256_REQUIRED') ? ['S256', 'plain'] : ['S256'],
    response_types_supported: [],
    grant_types_supported: [],
    response_modes_supported: ['query'],
    // RFC 9207: the authorization response carries iss.
    authorization_response_iss_parameter_supported: true,
  };
}

/** `GET /.well-known/oauth-authorization-server` (RFC 8414 §3). */
export function metadataEndpoint(ctx: RouterContext): RequestHandler {
  // Built once per set of clients: the clients may be replaced at run time (ClientRegistry.replace).
  let body = JSON.stringify(buildMetadata(ctx));
  let generation = ctx.clients.generation;
  return function metadata(_req, res) {
    if (generation !== ctx.clients.generation) {
      generation = ctx.clients.generation;
      body = JSON.stringify(buildMetadata(ctx));
    }
    // Public and stable for the process lifetime: caching briefly is safe.
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('application/json').send(body);
  };
}

import type { Client } from '@waymark/core';
import type { ClientMetadata } from 'oidc-provider';
import { IMPERSONATION_METADATA } from '../token-exchange.js';

/**
 * oidc-provider's client metadata (RFC 7591 names), derived from one Waymark client of the
 * client store: the provider never holds a client configuration of its own. What oidc-provider
 * has no metadata for (token lifetimes, refresh token rolling, CORS, redirect URI patterns, the
 * request object policy, x5t) is enforced by the functions in `features.ts`, which read the
 * same Waymark client.
 *
 * @example
 * clientMetadata(client, { logoUrl: 'https://login.example/oidc/clients/agent/logo', grants });
 */
export function clientMetadata(
  client: Client,
  options: { logoUrl: string; grants: ReadonlySet<string>; scopes: ReadonlySet<string> },
): ClientMetadata {
  const secretMethod = client.authMethod.startsWith('client_secret');
  const metadata: ClientMetadata = {
    client_id: client.clientId,
    // Native apps get oidc-provider's native redirect rules (loopback on any port, RFC 8252 §7.3).
    application_type: client.type === 'native' ? 'native' : 'web',
    token_endpoint_auth_method: client.authMethod,
    ...(secretMethod && client.secret !== undefined ? { client_secret: client.secret } : {}),
    ...(client.jwks ? { jwks: client.jwks as ClientMetadata['jwks'] } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri.href } : {}),
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    response_types: [...client.responseTypes],
    // A grant this provider does not serve is left out (a grant of the adapter's, such as a service's client credentials before the provider enables them).
    grant_types: client.grantTypes.filter((grant) => options.grants.has(grant)),
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    // RFC 9101 §10.5: the client must send a signed request object.
    require_signed_request_object: client.requestObjectSignature === 'require_signed',
    // RFC 9449 §5.2: a proof on every token request.
    ...(client.dpopBoundAccessTokens ? { dpop_bound_access_tokens: true } : {}),
    // RFC 8693: impersonation only where the client allows it (token-exchange.ts reads it).
    ...(client.tokenExchangeImpersonation ? { [IMPERSONATION_METADATA]: true } : {}),
    // The allowed scopes (PingOne's selected scopes): oidc-provider refuses the other OpenID scopes
    // with invalid_scope; `openid` is always allowed (a sign-in is an OpenID request). A resource
    // server's scopes are checked against the same list in getResourceServerInfo.
    scope: [...new Set(['openid', ...client.allowedScopes.filter((scope) => options.scopes.has(scope))])].join(' '),
    // No default_acr_values: the flow a login runs is chosen per client by chooseFlow (acr_values, else allowed_flows[0]).
    ...(client.name !== undefined ? { client_name: client.name } : {}),
    ...(client.logo ? { logo_uri: options.logoUrl } : {}),
    ...(client.initiateLoginUri !== undefined ? { initiate_login_uri: client.initiateLoginUri } : {}),
    // CIBA Core §4: the provider serves poll mode (ping needs an https notification endpoint it can reach).
    ...(client.grantTypes.includes('urn:openid:params:grant-type:ciba') && options.grants.has('urn:openid:params:grant-type:ciba')
      ? { backchannel_token_delivery_mode: 'poll' }
      : {}),
  };
  return metadata;
}

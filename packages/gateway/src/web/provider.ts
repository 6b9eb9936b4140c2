import * as oidc from 'openid-client';
import { WebRouteError } from './errors.js';
import { isLoopbackUrl } from './validate.js';

/** The route's view of the OpenID Provider: its discovered configuration, fetched once and kept. */
export interface ProviderClient {
  /** The configuration (discovery, OpenID Connect Discovery 1.0 §4), or ERR_GATEWAY_WEB_PROVIDER_UNAVAILABLE. */
  configuration(): Promise<oidc.Configuration>;
}

/**
 * Discovers the provider lazily (the gateway starts even while the provider is down) and keeps
 * the answer; a failed discovery is retried by the next request, not cached.
 *
 * @example
 * const provider = createProviderClient('https://id.example/oidc', 'app-gateway', secret);
 * const config = await provider.configuration();
 */
export function createProviderClient(issuer: string, clientId: string, clientSecret: string | undefined): ProviderClient {
  let pending: Promise<oidc.Configuration> | undefined;
  // client_secret_basic: Waymark's default token_endpoint_auth_method (RFC 6749 §2.3.1); a client without a secret is public (PKCE alone).
  // Plain http only to a loopback issuer (the config check refuses it elsewhere).
  const execute = isLoopbackUrl(new URL(issuer)) ? [oidc.allowInsecureRequests] : [];
  return {
    configuration() {
      pending ??= oidc
        .discovery(
          new URL(issuer),
          clientId,
          clientSecret,
          clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(clientSecret),
          { execute, timeout: 10 },
        )
        .catch((cause: unknown) => {
          pending = undefined;
          throw new WebRouteError(
            'ERR_GATEWAY_WEB_PROVIDER_UNAVAILABLE',
            `the OpenID Provider ${issuer} could not be discovered: try again later`,
            { issuer },
            { cause },
          );
        });
      return pending;
    },
  };
}

/**
 * What a failed code redemption means: the provider refused (a replayed or expired code, a
 * wrong PKCE verifier: RFC 6749 §5.2 `invalid_grant`), the answer failed a check (nonce, ID
 * token signature), or the provider was unreachable.
 */
export function callbackError(cause: unknown): WebRouteError {
  if (cause instanceof WebRouteError) return cause;
  if (cause instanceof oidc.AuthorizationResponseError)
    return new WebRouteError(
      'ERR_GATEWAY_WEB_LOGIN_FAILED',
      `the provider did not sign you in (${cause.error}): start again`,
      { error: cause.error },
      { cause },
    );
  if (cause instanceof oidc.ResponseBodyError)
    return new WebRouteError(
      'ERR_GATEWAY_WEB_CALLBACK_FAILED',
      `the provider refused the sign-in answer (${cause.error}): start again`,
      { reason: cause.error },
      { cause },
    );
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('OAUTH_'))
    return new WebRouteError(
      'ERR_GATEWAY_WEB_CALLBACK_FAILED',
      `the sign-in answer failed a check (${code}): start again`,
      { reason: code },
      { cause },
    );
  return new WebRouteError(
    'ERR_GATEWAY_WEB_PROVIDER_UNAVAILABLE',
    'the OpenID Provider could not be reached: try again later',
    {},
    { cause },
  );
}

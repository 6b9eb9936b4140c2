import type { Client, Configuration, KoaContextWithOIDC } from 'oidc-provider';

/**
 * The grants and token endpoints beyond authorization code and refresh token, each switched on
 * for the provider here and then used by the clients whose `grant_types` list it (oidc-provider
 * refuses a grant a client does not list with `unauthorized_client`, RFC 6749 §5.2).
 *
 * @example
 * createOidcProvider({ …, grants: { clientCredentials: true, deviceFlow: true, ciba: true }, ciba: { findSubject, notify } })
 */
export interface GrantOptions {
  /** RFC 6749 §4.4 client credentials (with `resource`, an RFC 9068 JWT for that API). Default false. */
  clientCredentials?: boolean;
  /** RFC 8628 device authorization; the person's step at `<issuer>/device` is a Waymark journey. Default false. */
  deviceFlow?: boolean;
  /** OpenID Connect CIBA in poll mode; the person's approval is a Waymark journey (needs the `ciba` hooks). Default false. */
  ciba?: boolean;
  /** RFC 7662 token introspection at `<issuer>/token/introspection`. Default true. */
  introspection?: boolean;
}

/** The grants after defaults. */
export interface ResolvedGrants {
  clientCredentials: boolean;
  deviceFlow: boolean;
  ciba: boolean;
  introspection: boolean;
}

export const GRANT_DEFAULTS = {
  /** Off: a client that holds a secret gets tokens for itself only when the operator says so. */
  clientCredentials: false,
  /** Off: a device flow needs its verification page reachable by people. */
  deviceFlow: false,
  /** Off: CIBA needs a way to reach the person (`ciba.notify`) and to find them (`ciba.findSubject`). */
  ciba: false,
  /** On: RFC 7662 requires the caller to authenticate, and a caller sees only what the policy below allows. */
  introspection: true,
} as const;

export function resolveGrants(grants: GrantOptions | undefined): ResolvedGrants {
  return {
    clientCredentials: grants?.clientCredentials ?? GRANT_DEFAULTS.clientCredentials,
    deviceFlow: grants?.deviceFlow ?? GRANT_DEFAULTS.deviceFlow,
    ciba: grants?.ciba ?? GRANT_DEFAULTS.ciba,
    introspection: grants?.introspection ?? GRANT_DEFAULTS.introspection,
  };
}

type Features = NonNullable<Configuration['features']>;

/**
 * RFC 7662 §4: the server decides who may learn about a token. A public client (no
 * authentication) learns about its own tokens only; a confidential client, having proved who it
 * is, may introspect any token (a resource server introspecting the tokens it receives).
 */
async function introspectionAllowed(ctx: KoaContextWithOIDC, caller: Client, token: { clientId?: string | undefined }): Promise<boolean> {
  if (caller.clientAuthMethod === 'none') return token.clientId === ctx.oidc.client?.clientId;
  return true;
}

/** oidc-provider's features for the client credentials grant and introspection. */
export function grantFeatures(grants: ResolvedGrants): Features {
  // The published types make `introspection` a union keyed on other features; the value is oidc-provider's documented shape.
  return {
    clientCredentials: { enabled: grants.clientCredentials },
    introspection: { enabled: grants.introspection, allowedPolicy: introspectionAllowed },
  } as Features;
}

const NOT_ALLOWED =
  /^(requested grant type|urn:ietf:params:oauth:grant-type:device_code|urn:openid:params:grant-type:ciba) is not allowed for this client$/;

/**
 * oidc-provider answers a grant the client's `grant_types` do not list with `invalid_request`;
 * the specs name `unauthorized_client`: RFC 6749 §5.2 (token endpoint), RFC 8628 §3.2 (device
 * authorization, whose errors are §5.2's) and CIBA §13 (backchannel authentication). This
 * provider middleware renames the error, nothing else.
 */
export async function unauthorizedClientError(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
  if (
    ctx.status === 400 &&
    body?.error === 'invalid_request' &&
    typeof body.error_description === 'string' &&
    NOT_ALLOWED.test(body.error_description)
  )
    body.error = 'unauthorized_client';
}

import { errors, type AsymmetricSigningAlgorithm, type Configuration } from 'oidc-provider';
import type { ResourceServerConfig } from './options.js';
import type { ExchangeTargets } from './token-exchange.js';

type ResourceIndicators = NonNullable<NonNullable<Configuration['features']>['resourceIndicators']>;

/** The audience a resource's tokens carry: its own `audience`, else the indicator itself (RFC 8707 §2). */
export function audienceOf(indicator: string, server: ResourceServerConfig): string {
  return server.audience ?? indicator;
}

/**
 * RFC 8707 resource indicators: an authorization or token request naming `resource` gets an
 * access token for that API: its audience (`aud`), the requested scopes it lists, its lifetime,
 * and its format, an RFC 9068 JWT (`typ: at+jwt`) or an opaque token (introspection, RFC 7662).
 * An indicator the configuration does not list, or a client it does not allow, is
 * `invalid_target` (RFC 8707 §2).
 *
 * An authorization request may name several resources (RFC 8707 §2.1): the grant then holds the
 * requested scopes of each, and each token request names the one resource its token is for
 * (§2.2); a token request naming none gets the granted resource when there is exactly one.
 */
export function resourceServers(
  servers: Readonly<Record<string, ResourceServerConfig>>,
  alg: AsymmetricSigningAlgorithm,
  allowedScopes: (clientId: string) => readonly string[] | undefined = () => undefined,
): { feature: ResourceIndicators; targets: ExchangeTargets } {
  const getResourceServerInfo: ResourceIndicators['getResourceServerInfo'] = (_ctx, indicator, client) => {
    const server = servers[indicator];
    if (server === undefined || (server.clients !== undefined && !server.clients.includes(client.clientId)))
      throw new errors.InvalidTarget();
    // A client of the client store gets the API's scopes it is allowed (its allowed_scopes), none other.
    const allowed = allowedScopes(client.clientId);
    const scopes = allowed ? server.scopes.filter((scope) => allowed.includes(scope)) : server.scopes;
    if (scopes.length === 0) throw new errors.InvalidTarget("the client is allowed none of this resource's scopes");
    const format = server.accessTokenFormat ?? 'jwt';
    return {
      audience: audienceOf(indicator, server),
      scope: scopes.join(' '),
      accessTokenFormat: format,
      ...(server.accessTokenTtl !== undefined ? { accessTokenTTL: server.accessTokenTtl } : {}),
      ...(format === 'jwt' ? { jwt: { sign: { alg } } } : {}),
    };
  };
  const byAudience = new Map(Object.entries(servers).map(([indicator, server]) => [audienceOf(indicator, server), indicator]));
  return {
    feature: {
      enabled: true,
      // RFC 8707 §2.2: a token request may omit `resource` when the grant was for exactly one.
      useGrantedResource: async () => true,
      getResourceServerInfo,
    },
    targets: {
      indicatorOf: (audience) => byAudience.get(audience),
      audiences: () => [...byAudience.keys()],
      info: (ctx, indicator, client) => getResourceServerInfo(ctx, indicator, client),
    },
  };
}

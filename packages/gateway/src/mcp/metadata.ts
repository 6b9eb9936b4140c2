import type { McpRouteConfig } from '../config/types.js';

/** RFC 9728 §3.1: the metadata URL inserts `/.well-known/oauth-protected-resource` between the host and the resource's path. */
export function metadataUrl(publicUrl: string, path: string): string {
  return `${publicUrl}/.well-known/oauth-protected-resource${path}`;
}

/** RFC 9728 §2: the protected resource metadata of an mcp route. */
export function protectedResourceMetadata(
  config: McpRouteConfig,
  resource: string,
): {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
} {
  const named = [...Object.values(config.methodScopes ?? {}), ...Object.values(config.toolScopes ?? {})].flat();
  return {
    resource,
    authorization_servers: config.authorizationServers ?? [config.token.issuer],
    scopes_supported: config.scopesSupported ?? [...new Set(named)],
    // RFC 9728 §2: tokens only in the Authorization header (RFC 6750 §2.1).
    bearer_methods_supported: ['header'],
    ...(config.resourceName ? { resource_name: config.resourceName } : {}),
  };
}

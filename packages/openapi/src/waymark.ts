import { OpenApiRegistry } from './builder.js';
import { adapterGroup } from './groups/adapter.js';
import { adminGroup } from './groups/admin.js';
import { docsGroup } from './groups/docs.js';
import { policyGroup } from './groups/policies.js';
import { providerGroup, type ProviderGroupOptions } from './groups/provider.js';
import type { OpenApiGroup } from './types.js';

/** What a Waymark server mounts, as far as its reference is concerned. */
export interface WaymarkApiOptions {
  /** The adapter's issuer, e.g. `http://localhost:3000` (its path is where the adapter is mounted). */
  issuer: string;
  /** The transactional-authorization routes are mounted (a `policies` configuration). */
  policies?: boolean;
  /** The OpenID Provider's issuer (`<issuer>/oidc`), when one is mounted. */
  oidcIssuer?: string;
  /** The provider's grants that add routes (device flow, CIBA, introspection), as its `grants` option. */
  oidcGrants?: ProviderGroupOptions['grants'];
  /**
   * The admin API is mounted (at `/admin/v1`), with the client schema it validates clients with
   * (`clientConfigSchema` of @waymark/express). Its console signs in at `oidcIssuer`, unless
   * `authorizationUrl`/`tokenUrl` name another provider.
   */
  admin?: { clientConfigSchema: object; authorizationUrl?: string; tokenUrl?: string };
  /** `GET /openapi.json` and `/docs` are mounted (docsRouter). Default true. */
  docs?: boolean;
  /** More route groups (the gateway's, the MCP server's…), added after Waymark's own. */
  groups?: readonly OpenApiGroup[];
}

/**
 * The registry of what one Waymark server serves: the adapter always; policies, the admin API
 * and the OpenID Provider when mounted; then any further groups.
 *
 * @example
 * const document = waymarkApiRegistry({ issuer: 'http://localhost:3000', oidcIssuer: 'http://localhost:3000/oidc', admin: true })
 *   .build({ serverUrl: 'http://localhost:3000' });
 */
export function waymarkApiRegistry(options: WaymarkApiOptions): OpenApiRegistry {
  const issuer = new URL(options.issuer);
  const basePath = issuer.pathname;
  const registry = new OpenApiRegistry().add(adapterGroup({ basePath }));
  if (options.policies) registry.add(policyGroup({ basePath }));
  if (options.admin) {
    const provider = (options.oidcIssuer ?? options.issuer).replace(/\/+$/, '');
    registry.add(
      adminGroup({
        clientConfigSchema: options.admin.clientConfigSchema,
        authorizationUrl: options.admin.authorizationUrl ?? `${provider}/auth`,
        tokenUrl: options.admin.tokenUrl ?? `${provider}/token`,
      }),
    );
  }
  if (options.oidcIssuer !== undefined)
    registry.add(
      providerGroup({
        mountPath: new URL(options.oidcIssuer).pathname,
        ...(options.oidcGrants !== undefined ? { grants: options.oidcGrants } : {}),
      }),
    );
  if (options.docs !== false) registry.add(docsGroup());
  for (const group of options.groups ?? []) registry.add(group);
  return registry;
}

/** The OpenAPI document of what one Waymark server serves; the server URL is the issuer's origin. */
export function waymarkOpenApiDocument(options: WaymarkApiOptions) {
  return waymarkApiRegistry(options).build({ serverUrl: new URL(options.issuer).origin });
}

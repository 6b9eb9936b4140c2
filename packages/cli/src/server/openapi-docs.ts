import express, { type Express } from 'express';
import { clientConfigSchema } from '@waymark/express';
import { docsRouter, waymarkOpenApiDocument, type OpenApiDocument, type OpenApiGroup } from '@waymark/openapi';
import type { ResolvedServerConfig } from './config.js';

/** What `waymark serve` mounts, as the reference describes it (the parts of the resolved config that add routes). */
export type MountedParts = Pick<ResolvedServerConfig, 'issuer' | 'oidc' | 'admin' | 'policies'>;

/** The admin API's audience: `admin.audience`, else `<issuer>/admin` (as admin-config.ts and the admin router default it). */
function adminAudience(config: MountedParts): string {
  return config.admin?.audience ?? `${config.issuer.replace(/\/+$/, '')}/admin`;
}

/**
 * The OpenAPI document of what `waymark serve` mounts for this configuration: the adapter, and
 * policies, the admin API and the OpenID Provider when configured; the server URL is the
 * issuer's origin. `groups` adds routes other packages serve (the gateway, the MCP server).
 */
export function serverOpenApiDocument(config: MountedParts, groups: readonly OpenApiGroup[] = []): OpenApiDocument {
  const oidcIssuer = config.oidc?.issuer;
  const firstTrusted = config.admin?.issuers[0]?.issuer.replace(/\/+$/, '');
  return waymarkOpenApiDocument({
    issuer: config.issuer,
    policies: config.policies !== undefined,
    ...(oidcIssuer !== undefined ? { oidcIssuer } : {}),
    ...(config.admin !== undefined
      ? {
          admin: {
            clientConfigSchema,
            ...(oidcIssuer === undefined && firstTrusted !== undefined
              ? { authorizationUrl: `${firstTrusted}/auth`, tokenUrl: `${firstTrusted}/token` }
              : {}),
          },
        }
      : {}),
    groups,
  });
}

/**
 * `GET /openapi.json` and `GET /docs` in front of the app (before its 404). The console signs in
 * with the provider's `waymark-admin` client for the admin audience.
 */
export function withOpenApiDocs(app: Express, config: MountedParts): Express {
  const document = serverOpenApiDocument(config);
  const outer = express();
  outer.disable('x-powered-by');
  outer.use(docsRouter({ document, ...(config.admin !== undefined ? { resource: adminAudience(config) } : {}) }));
  outer.use(app);
  return outer;
}

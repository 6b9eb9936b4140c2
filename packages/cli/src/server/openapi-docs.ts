import express, { type Express } from 'express';
import { clientConfigSchema } from '@waymark/express';
import { isAbsolute, resolve } from 'node:path';
import {
  docsRouter,
  gatewayGroup,
  mcpServerGroup,
  studioGroup,
  waymarkOpenApiDocument,
  type GatewayRouteInfo,
  type OpenApiDocument,
  type OpenApiGroup,
} from '@waymark/openapi';
import { readGatewayFile } from './gateway-config.js';
import { STUDIO_PATH } from './studio-config.js';
import type { ResolvedServerConfig } from './config.js';

/** What `waymark serve` mounts, as the reference describes it (the parts of the resolved config that add routes). */
export type MountedParts = Pick<ResolvedServerConfig, 'issuer' | 'oidc' | 'admin' | 'policies'> &
  Partial<Pick<ResolvedServerConfig, 'gateway' | 'baseDir'>>;

/** The admin API's audience: `admin.audience`, else `<issuer>/admin` (as admin-config.ts and the admin router default it). */
function adminAudience(config: MountedParts): string {
  return config.admin?.audience ?? `${config.issuer.replace(/\/+$/, '')}/admin`;
}

/**
 * The OpenAPI document of what `waymark serve` mounts for this configuration: the adapter, and
 * policies, the admin API and the OpenID Provider when configured; the server URL is the
 * issuer's origin. `groups` adds routes other packages serve (the gateway, the MCP server).
 */
/** The gateway's routes as its configuration names them (inline, or its file read now): kind, name and path each. */
function gatewayRoutesOf(config: MountedParts): GatewayRouteInfo[] {
  const settings = config.gateway;
  if (settings === undefined) return [];
  const file =
    settings.file === undefined ? undefined : isAbsolute(settings.file) ? settings.file : resolve(config.baseDir ?? '.', settings.file);
  const raw = (file ? readGatewayFile(file, '/gateway/file') : settings.config) as { routes?: unknown } | undefined;
  const routes = Array.isArray(raw?.routes) ? (raw.routes as Partial<GatewayRouteInfo>[]) : [];
  return routes
    .filter((r) => (r.kind === 'mcp' || r.kind === 'api' || r.kind === 'web') && typeof r.name === 'string' && typeof r.path === 'string')
    .map((r) => ({ kind: r.kind!, name: r.name!, path: r.path! }));
}

/** The route groups other packages serve for this configuration: the studio with the admin API, the gateway's routes, and the MCP server with `admin.mcp`. */
export function serverOpenApiGroups(config: MountedParts): OpenApiGroup[] {
  const groups: OpenApiGroup[] = [];
  if (config.admin !== undefined) groups.push(studioGroup(STUDIO_PATH));
  const routes = gatewayRoutesOf(config);
  if (routes.length > 0) groups.push(gatewayGroup(routes));
  if (config.admin?.mcp !== undefined) groups.push(mcpServerGroup());
  return groups;
}

export function serverOpenApiDocument(
  config: MountedParts,
  groups: readonly OpenApiGroup[] = serverOpenApiGroups(config),
): OpenApiDocument {
  const oidcIssuer = config.oidc?.issuer;
  const firstTrusted = config.admin?.issuers[0]?.issuer.replace(/\/+$/, '');
  return waymarkOpenApiDocument({
    issuer: config.issuer,
    policies: config.policies !== undefined,
    ...(oidcIssuer !== undefined ? { oidcIssuer } : {}),
    ...(config.oidc?.grants !== undefined ? { oidcGrants: config.oidc.grants } : {}),
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

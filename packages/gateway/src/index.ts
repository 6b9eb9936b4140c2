/**
 * Waymark Gateway: a policy enforcement point in front of MCP servers (`mcp` routes), APIs (`api` routes) and
 * web apps (`web` routes). See the package README.
 */
export const GATEWAY_ROUTE_KINDS = ['mcp', 'api', 'web'] as const;
export type GatewayRouteKind = (typeof GATEWAY_ROUTE_KINDS)[number];

// web routes (OpenID Connect login in front of a web app): see README, "web routes".
export * from './web/index.js';

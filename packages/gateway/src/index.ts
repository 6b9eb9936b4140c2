/**
 * Waymark Gateway: a policy enforcement point in front of MCP servers (`mcp` routes), APIs (`api` routes) and
 * web apps (`web` routes). See the package README.
 */
export const GATEWAY_ROUTE_KINDS = ['mcp', 'api', 'web'] as const;
export type GatewayRouteKind = (typeof GATEWAY_ROUTE_KINDS)[number];

// The gateway: routes from a configuration, swapped live by `reload`.
export { createGateway } from './gateway.js';
export type { Gateway, GatewayOptions, WebRouteFactory } from './gateway.js';
export type { GatewayEndpoint, GatewayRoute, GatewaySettings, RouteDeps, RouteCall } from './lib/route.js';

// The configuration: its schema, its check, its types, its defaults.
export { checkGatewayConfig, gatewayConfigSchema } from './config/compile.js';
export type {
  GatewayConfig,
  RouteConfig,
  McpRouteConfig,
  ApiRouteConfig,
  WebRouteConfig as WebRouteEntry,
  TokenSettings,
  UpstreamAuth,
  RateLimitSettings,
  StepUpRule,
  ApiScopeRule,
} from './config/types.js';
export { GATEWAY_DEFAULTS } from './defaults.js';

// Pieces a host or a web route reuses.
export { createMediator } from './mediation.js';
export type { Mediator } from './mediation.js';
export { argumentsHash } from './observe.js';
export type { CallRecord, GatewayMetrics } from './observe.js';
export { callResource } from './mcp/step-up.js';
export { parseMcpMessage, HEADER_ERA } from './mcp/message.js';
export type { McpMessage } from './mcp/message.js';

// Errors.
export { GATEWAY_ERRORS, GatewayError } from './errors.js';
export type { GatewayErrorCode } from './errors.js';

// web routes (OpenID Connect login in front of a web app): see README, "web routes".
export * from './web/index.js';

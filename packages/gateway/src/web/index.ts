/** The `web` route kind of the gateway: OpenID Connect login in front of a web app. See the package README, "web routes". */
export { createWebRoute } from './create-web-route.js';
export type { WebRouteDeps } from './create-web-route.js';
export { webRouteSchema } from './schema.js';
export type { WebRouteConfig } from './schema.js';
export { validateWebRouteConfig, webRouteProblems } from './validate.js';
export { WEB_ROUTE_ERRORS, WebRouteError } from './errors.js';
export type { WebRouteErrorCode } from './errors.js';
export type { UpstreamProxy } from './forward.js';
export type { SigningJwk } from './identity.js';
export { WEB_ROUTE_DEFAULTS } from './defaults.js';
export { webGatewayRoute, webRouteEntryProblems } from './gateway-route.js';

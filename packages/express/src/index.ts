/**
 * @waymark/express — the HTTP adapter: PAR (RFC 9126), authorize, the JSON journey API,
 * transactional authorization (`/policies/*`, `requireTransaction`), metadata (RFC 8414),
 * health and metrics, on one router. The HTTP helpers it shares with the OpenID Provider
 * (pages, cookies, request info, client IP, CSP, the error table) live in `@waymark/http`.
 */
export { createWaymarkRouter } from './router.js';
export type { WaymarkRouter } from './router.js';
export { createWaymarkApp } from './app.js';
export { DEFAULTS } from './defaults.js';
export type { RateLimit, ClientRateLimit } from './defaults.js';
export type { WaymarkRouterOptions, RouterContext, EndpointUrls } from './options.js';
export type { HstsOptions } from './middleware/security-headers.js';
export type { LogClientIp } from './lib/log-ip.js';
export type { WaymarkEngine, PendingStep } from './engine.js';

// The request as the engine sees it, and the CSRF cookie of the adapter's pages.
export { requestInfo } from './lib/request-info.js';
export { CSRF_COOKIE } from './endpoints/authorize/csrf.js';
export { isAllowedRedirectTarget } from './oauth/redirect-target.js';
export { STYLESHEET } from './endpoints/assets/index.js';

export { loadClients, clientConfigProblems } from './clients/load-clients.js';
export { ClientRegistry, toClientInfo } from './clients/client-registry.js';
export { matchRedirectUri, compileRedirectUriPattern } from './clients/redirect-uri.js';
export { clientConfigSchema, CLIENT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS, PKCE_ENFORCEMENTS, SIGNING_ALGORITHMS } from './clients/schema.js';
export type { Client, ClientConfig, ClientType, TokenEndpointAuthMethod, PkceEnforcement, SigningAlgorithm } from './clients/types.js';

export { buildMetadata } from './endpoints/metadata/index.js';
export type { AuthorizationServerMetadata } from './endpoints/metadata/index.js';

export { MetricsRegistry, Counter, Histogram, DEFAULT_BUCKETS, PROMETHEUS_CONTENT_TYPE } from './metrics/registry.js';
export type { Labels } from './metrics/registry.js';

export { EXPRESS_ERRORS, HttpError, ClientConfigError, RouterOptionsError } from './errors.js';
export type { ExpressErrorCode, ClientConfigProblem } from './errors.js';

// Transactional authorization on the adapter: its endpoints' options and the enforcement middleware. The domain (decision point, configuration, subject resolution) is @waymark/policy.
export { policyRoutes } from './endpoints/policies/index.js';
export type { PolicyRouterOptions, PolicyRoutes } from './endpoints/policies/index.js';
export { requireTransaction, remotePolicyDecisionPoint, TRANSACTION_ID_HEADER } from './pep/index.js';
export type { RequireTransactionOptions, RemotePdpOptions } from './pep/index.js';

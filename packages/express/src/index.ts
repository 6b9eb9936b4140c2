/**
 * @waymark/express — the HTTP adapter: PAR (RFC 9126), metadata (RFC 8414), health and
 * metrics; authorize and the journey API plug in on the same router context.
 */
export { createWaymarkRouter } from './router.js';
export type { WaymarkRouter } from './router.js';
export { createWaymarkApp } from './app.js';
export { DEFAULTS } from './defaults.js';
export type { RateLimit, ClientRateLimit } from './defaults.js';
// Rate limiting: one contract for every limit, memory-backed here and Redis-backed in @waymark/redis.
export { createMemoryRateLimiters } from './rate-limit/index.js';
export type { RateLimiter, RateLimiterFactory, RateLimitSpec, RateLimitDecision } from './rate-limit/index.js';
export type { WaymarkRouterOptions, RouterContext, EndpointUrls } from './options.js';
export type { WaymarkEngine, PendingStep } from './engine.js';

// Cookies (RFC 6265) as the adapter reads and writes them, and the CSRF cookie of its pages.
export { parseCookieHeader, serializeCookie, effectiveCookieOptions } from './lib/cookies.js';
export { requestInfo, requestInfoOf } from './lib/request-info.js';
export { CSRF_COOKIE } from './endpoints/authorize/csrf.js';
export { isAllowedRedirectTarget } from './oauth/redirect-target.js';
export { STYLESHEET } from './endpoints/assets/index.js';

export { loadClients } from './clients/load-clients.js';
export { ClientRegistry, toClientInfo } from './clients/client-registry.js';
export { matchRedirectUri, compileRedirectUriPattern } from './clients/redirect-uri.js';
export { clientConfigSchema, CLIENT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS, PKCE_ENFORCEMENTS, SIGNING_ALGORITHMS } from './clients/schema.js';
export type { Client, ClientConfig, ClientType, TokenEndpointAuthMethod, PkceEnforcement, SigningAlgorithm } from './clients/types.js';

export { normalizeIp, compileTrustedProxies, resolveClientIp } from './client-ip.js';
export type { TrustedProxies } from './client-ip.js';

export { buildMetadata } from './endpoints/metadata/index.js';
export type { AuthorizationServerMetadata } from './endpoints/metadata/index.js';

export { MetricsRegistry, Counter, Histogram, DEFAULT_BUCKETS, PROMETHEUS_CONTENT_TYPE } from './metrics/registry.js';
export type { Labels } from './metrics/registry.js';

export { contentSecurityPolicy } from './middleware/security-headers.js';

export { EXPRESS_ERRORS, OAUTH_ERRORS, HttpError, ClientConfigError, RouterOptionsError } from './errors.js';
export type { ExpressErrorCode, OAuthErrorMapping, ClientConfigProblem } from './errors.js';

// Transactional authorization: the decision point, its endpoints' options, the enforcement middleware.
export {
  createPolicyDecisionPoint,
  compilePolicyConfig,
  parseEvaluateRequest,
  policyConfigSchema,
  canonicalResource,
  TRANSACTION_ADVICE,
  POLICY_ACTIONS,
  POLICY_DEFAULTS,
  POLICY_ERRORS,
  PolicyError,
  PolicyConfigError,
  jwtSubjectResolver,
} from './policy/index.js';
export type {
  PolicyDecisionPoint,
  PolicyDecisionPointOptions,
  PolicySubject,
  JwtSubjectResolver,
  PolicyDecisionConfig,
  PolicySetConfig,
  PolicyConfig,
  SubjectConditionConfig,
  TransactionConditionConfig,
  PolicyAction,
  EvaluateRequest,
  EvaluateSubject,
  PolicyDecision,
  PolicyErrorCode,
  PolicyConfigProblem,
  JwtSubjectOptions,
} from './policy/index.js';
export { policyRoutes, completeStepUp } from './endpoints/policies/index.js';
export type { PolicyRouterOptions, PolicyRoutes } from './endpoints/policies/index.js';
export { requireTransaction, remotePolicyDecisionPoint, TRANSACTION_ID_HEADER } from './pep/index.js';
export type { RequireTransactionOptions, PolicyEvaluator, RemotePdpOptions } from './pep/index.js';

// The adapter's page pieces, for hosts that render journeys under their own routes (@waymark/oidc-provider).
export { layout, messagePage, callbackForm, escapeHtml } from './lib/html.js';
export type { CallbackFormInput } from './lib/html.js';
export { formToCallbacks } from './endpoints/authorize/continue.js';

/**
 * @waymark/http — the HTTP helpers every Waymark HTTP package shares (the express adapter, the
 * OpenID Provider bridge): pages, cookies, request info, client IP, CSP, form to callbacks,
 * content negotiation, the one table that turns errors into HTTP answers, and the in-memory
 * rate limiters. Framework-free: node:http types, `@waymark/sdk` and rate-limiter-flexible.
 */

// Pages: one layout, escaped text, accessible callback forms (no script, no inline style).
export { escapeHtml } from './html.js';
export { layout } from './html.js';
export { messagePage } from './html.js';
export { callbackForm } from './callback-form.js';
export { redirectFormOrigins, failedPolicyMessages } from './callback-controls.js';
export type { CallbackFormInput } from './callback-form.js';

// Cookies (RFC 6265), both ways, with the design's security defaults.
export { parseCookieHeader } from './cookies.js';
export { serializeCookie } from './cookies.js';
export { effectiveCookieOptions } from './cookies.js';

// What the engine sees of a request, and whose IP it is.
export { requestInfoOf } from './request-info.js';
export { clientIpOf } from './client-ip.js';
export { resolveClientIp } from './client-ip.js';
export { compileTrustedProxies } from './client-ip.js';
export type { TrustedProxies } from './client-ip.js';

// The request's id (`X-Request-Id`): a trusted proxy's, when well formed, else a fresh one.
export { requestIdOf, assignRequestId, requestIdFor, isWellFormedRequestId, REQUEST_ID_HEADER } from './request-id.js';

// Page security and the form of a suspended step.
export { contentSecurityPolicy } from './csp.js';
export { formToCallbacks } from './form-to-callbacks.js';

// Content negotiation: a page, or JSON.
export { prefersJson } from './negotiate.js';
export type { NegotiableRequest } from './negotiate.js';

// Errors → HTTP: one table, three renderers.
export { HTTP_ERRORS } from './errors.js';
export type { HttpErrorCode } from './errors.js';
export { ERROR_ANSWERS } from './error-answers.js';
export { answerFor } from './error-answers.js';
export { answerOrServerError } from './error-answers.js';
export type { ErrorAnswer, ErrorAnswerSpec } from './error-answers.js';
export { oauthErrorBody } from './error-renderers.js';
export { journeyErrorBody } from './error-renderers.js';
export { errorPage } from './error-renderers.js';
export type { ErrorPageOptions } from './error-renderers.js';

// Rate limits: the memory implementation of the SDK's RateLimiter contract, and the per-source key.
export { createMemoryRateLimiters } from './rate-limit/memory.js';
export { rateLimitSource } from './rate-limit/source.js';

// Metrics: a tiny Prometheus registry (the adapter's `/metrics`, the gateway's).
export { MetricsRegistry, Counter, Histogram, DEFAULT_BUCKETS, PROMETHEUS_CONTENT_TYPE, boundByKey } from './metrics-registry.js';
export type { Labels } from './metrics-registry.js';

/**
 * @waymark/admin — the admin API (`/admin/v1`, JSON): flows and their versions, the node type
 * catalog, clients, the journey log and audit events, over the control-plane stores of
 * `@waymark/sdk`. An OAuth protected resource (RFC 6750) whose tokens are checked by
 * `@waymark/access-token`; read-only unless writes are enabled.
 */
export { createAdminRouter } from './router.js';
export type { AdminRouter } from './router.js';
export type { AdminRouterOptions, AdminContext, TrustedIssuer, ClientValidator, ClientProblem } from './options.js';
export { ADMIN_DEFAULTS } from './defaults.js';
export { ADMIN_ERRORS, AdminError, AdminOptionsError } from './errors.js';
export type { AdminErrorCode } from './errors.js';
export type { Funnel, FunnelNode } from './routes/journeys.js';
export { FUNNEL_MAX_JOURNEYS } from './routes/journeys.js';

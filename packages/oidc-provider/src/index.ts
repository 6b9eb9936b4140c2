/**
 * @waymark/oidc-provider — a certified OpenID Provider (panva/oidc-provider 9) whose logins run
 * Waymark flows, mounted next to the Waymark adapter in one express app.
 */
export { createOidcProvider } from './create-provider.js';
export type { WaymarkOidcProvider } from './create-provider.js';
export type {
  OidcProviderOptions,
  OidcClientConfig,
  WaymarkClientPolicy,
  OidcEngine,
  OidcProvider,
  PrivateJwk,
  ResourceServerConfig,
} from './options.js';
export { DEFAULTS } from './defaults.js';
export type { OidcTtl } from './defaults.js';
export { OIDC_PROVIDER_ERRORS, OidcProviderOptionsError } from './errors.js';
export type { OidcProviderErrorCode } from './errors.js';
export { kvAdapter } from './adapter.js';
export type { OidcStorageAdapter, AdapterPayload } from './adapter.js';
export { chooseFlow } from './flow-policy.js';
export { loginResult } from './login-result.js';
export type { LoginResult } from './login-result.js';
export { TOKEN_EXCHANGE_GRANT_TYPE, TOKEN_TYPES, IMPERSONATION_METADATA, publicJwks } from './token-exchange.js';
export type { ActClaim } from './token-exchange.js';
export { GRANT_DEFAULTS } from './grants.js';
export type { GrantOptions } from './grants.js';
export { loggingNotifier } from './ciba.js';
export type { CibaApproval, CibaHooks, CibaNotifier, StoredApproval as CibaApprovalRecord } from './ciba.js';
export type { CibaApprovals } from './ciba-approval.js';

import { WaymarkError } from '@waymark/sdk';

/** Stable codes of this package; a published code is never reused. */
export const OIDC_PROVIDER_ERRORS = {
  /** createOidcProvider was given bad options; `details.key` names the option. */
  ERR_OIDC_PROVIDER_OPTIONS: 'ERR_OIDC_PROVIDER_OPTIONS',
  /** A client's `waymark` policy is invalid (no flows, a flow the engine has not loaded). */
  ERR_OIDC_CLIENT_CONFIG: 'ERR_OIDC_CLIENT_CONFIG',
  /** An interaction page was posted without the form this browser was served (CSRF). */
  ERR_INTERACTION_FORBIDDEN: 'ERR_INTERACTION_FORBIDDEN',
  /** No flow can run for this request: `acr_values` names none of the flows the client allows. */
  ERR_NO_FLOW: 'ERR_NO_FLOW',
} as const;

export type OidcProviderErrorCode = keyof typeof OIDC_PROVIDER_ERRORS;

/** Bad configuration, thrown by `createOidcProvider` at start-up. */
export class OidcProviderOptionsError extends WaymarkError {
  constructor(key: string, message: string) {
    super(OIDC_PROVIDER_ERRORS.ERR_OIDC_PROVIDER_OPTIONS, `${key} ${message}`, { key });
    this.name = 'OidcProviderOptionsError';
  }
}

/** A client whose Waymark policy cannot work, thrown at start-up. */
export class OidcClientConfigError extends WaymarkError {
  constructor(clientId: string, key: string, message: string) {
    super(OIDC_PROVIDER_ERRORS.ERR_OIDC_CLIENT_CONFIG, `client "${clientId}": ${key} ${message}`, { clientId, key });
    this.name = 'OidcClientConfigError';
  }
}

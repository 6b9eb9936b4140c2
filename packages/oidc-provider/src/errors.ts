import { ConfigInvalidError } from '@waymark/core';

/**
 * Stable codes of this package; a published code is never reused. Retired:
 * `ERR_OIDC_PROVIDER_OPTIONS` (bad options are `ERR_CONFIG_INVALID` since issue 12, like every
 * configuration in Waymark).
 */
export const OIDC_PROVIDER_ERRORS = {
  /** A client reached an interaction without a Waymark policy (start-up checks make this a bug). */
  ERR_OIDC_CLIENT_CONFIG: 'ERR_OIDC_CLIENT_CONFIG',
  /** An interaction page was posted without the form this browser was served (CSRF). */
  ERR_INTERACTION_FORBIDDEN: 'ERR_INTERACTION_FORBIDDEN',
  /** No flow can run for this request: `acr_values` names none of the flows the client allows. */
  ERR_NO_FLOW: 'ERR_NO_FLOW',
  /** A CIBA approval link that is unknown, already used or expired (404 page). */
  ERR_CIBA_APPROVAL_NOT_FOUND: 'ERR_CIBA_APPROVAL_NOT_FOUND',
  /** A CIBA approval journey identified someone other than the person the request named: the request is denied. */
  ERR_CIBA_APPROVAL_SUBJECT: 'ERR_CIBA_APPROVAL_SUBJECT',
} as const;

export type OidcProviderErrorCode = keyof typeof OIDC_PROVIDER_ERRORS;

/**
 * Bad options, thrown by `createOidcProvider` at start-up for what only oidc-provider or the
 * runtime can check (a trusted proxy that is no IP or CIDR, options oidc-provider refuses): the
 * one shape of every configuration error, `ERR_CONFIG_INVALID` with the JSON pointer of `key`
 * (`trustedProxies` → `/trustedProxies`; `options` → the whole) and the fix.
 */
export class OidcProviderOptionsError extends ConfigInvalidError {
  constructor(key: string, message: string) {
    const pointer =
      key === 'options'
        ? ''
        : `/${key
            .replace(/\[(\d+)\]/g, '.$1')
            .split('.')
            .join('/')}`;
    super('OpenID Provider options', [{ code: 'ERR_CONFIG_INVALID', pointer, message }]);
    this.name = 'OidcProviderOptionsError';
  }
}
